/// One site's part of a bands row (``BandTable``) straight from the subjects' values at one output time: the
/// percentiles of ``ConcentrationHistogram/appendQuantiles(_:to:)`` and the fractions of
/// ``ConcentrationHistogram/fractionAbove(_:)``, bit for bit, without building the whole histogram.
///
/// **Why it equals the histogram.** A percentile by the nearest rank `r` is the midpoint of the first bin at
/// which the cumulative count (values ≤ 0 first) reaches `r`, limited to `[minimum, maximum]`. Bin keys are
/// increasing in the value for positive doubles, so for a bracket of keys `[a, b]` the count of values whose
/// key is below `a` is the count of values strictly below the bracket's low edge (a double, `a << 44`), values
/// ≤ 0 included. When `below < r ≤ below + inside`, the bin that reaches `r` lies in the bracket, and counting
/// the bracket's bins from `below` finds it: the same bin the whole histogram gives.
///
/// **Brackets.** Each percentile's bracket is centred where its bin would be if it moved as it did over the
/// last two output times (a straight line in log concentration, which follows an exponential phase), half a
/// width of 4 bins plus half the last move. When a percentile falls outside its bracket (a dose, the first
/// time), the whole histogram is built (``HistogramBuilder``), with the same results, and the next times are
/// predicted from it.
///
/// **Cost.** One vectorised counting scan (values ≤ 0, two edges per bracket, one per threshold) and one scan
/// that counts the brackets' bins, instead of a key per value and a count per key. The minimum and maximum are
/// scanned for only when they can limit a percentile: when its bin holds the smallest or the largest value.
struct BandRowBuilder {
  /// Percentiles (0…100, increasing) and thresholds (ng/mL) of the layout.
  let percents: [Double]
  let thresholds: [Double]

  /// The key of each percentile's bin at the last time it was found, and at the time before.
  private var last: [Int?]
  private var beforeLast: [Int?]
  /// Times whose percentiles needed the whole histogram (for tests and benchmarks).
  private(set) var fallbacks = 0

  // Scratch, reused from time to time.
  private var ranks: [Int]
  private var bracketOf: [Int]
  private var lows: [Double] = []
  private var highs: [Double] = []
  private var lowKeys: [UInt32] = []
  private var spans: [Int64] = []
  private var offsets: [Int64] = []
  private var below: [Int64]
  private var underHigh: [Int64]
  private var above: [Int64]
  private var counts: [Int64] = []
  private var builder = HistogramBuilder()
  private var histogram = ConcentrationHistogram()

  /// Keys of positive finite doubles (the bracket's ends stay within them, so that no value ≤ 0 or infinite
  /// falls in a bracket).
  static let keys = 1...0x7FEFF

  init(percents: [Double], thresholds: [Double]) {
    precondition(zip(percents, percents.dropFirst()).allSatisfy { $0 <= $1 }, "percentiles out of order")
    self.percents = percents
    self.thresholds = thresholds
    last = Array(repeating: nil, count: percents.count)
    beforeLast = last
    ranks = Array(repeating: 0, count: percents.count)
    bracketOf = Array(repeating: -1, count: percents.count)
    below = Array(repeating: 0, count: percents.count)
    underHigh = below
    above = Array(repeating: 0, count: thresholds.count)
  }

  /// The bracket of keys predicted from the last two bins found.
  static func bracket(last: Int, beforeLast: Int?) -> ClosedRange<Int> {
    let move = beforeLast.map { last - $0 } ?? 0
    let half = beforeLast == nil ? 16 : 4 + abs(move) / 2
    let centre = last + move
    let low = min(max(centre - half, keys.lowerBound), keys.upperBound)
    let high = min(max(centre + half, low), keys.upperBound)
    return low...high
  }

  /// Appends the percentiles of `values[0 ..< count]` (ng/mL, no NaN, no −0.0), then, when `fractions`, the
  /// fraction strictly above each threshold, to `row`.
  ///
  /// - Precondition: `count > 0`.
  mutating func append(_ values: [Double], count: Int, fractions: Bool, to row: inout [Double]) {
    precondition(count > 0 && count <= values.count, "percentiles of no values")
    let start = row.count
    if !appendFromBrackets(values, count: count, to: &row) {
      fallbacks += 1
      row.removeSubrange(start...)
      builder.build(values, count: count, thresholds: thresholds, into: &histogram)
      histogram.appendQuantiles(percents, to: &row)
      for index in thresholds.indices { above[index] = Int64(histogram.above[index]) }
    }
    for (index, percent) in percents.enumerated() {
      let estimate = row[start + index]
      beforeLast[index] = last[index]
      last[index] = percent > 0 && percent < 100 && estimate > 0 ? Int(ConcentrationHistogram.key(estimate)) : nil
    }
    guard fractions else { return }
    for index in thresholds.indices { row.append(Double(above[index]) / Double(count)) }
  }

  /// Appends the percentiles found from the predicted brackets to `row`.
  ///
  /// Returns false (with `row` partly written) when a percentile's bin is not in its bracket. Leaves the
  /// threshold counts in `above`.
  private mutating func appendFromBrackets(_ values: [Double], count: Int, to row: inout [Double]) -> Bool {
    lows.removeAll(keepingCapacity: true)
    highs.removeAll(keepingCapacity: true)
    lowKeys.removeAll(keepingCapacity: true)
    spans.removeAll(keepingCapacity: true)
    offsets.removeAll(keepingCapacity: true)
    var total: Int64 = 0
    for (index, percent) in percents.enumerated() {
      ranks[index] = min(max(Int((percent * Double(count) / 100).rounded(.up)), 1), count)
      bracketOf[index] = -1
      guard percent > 0 && percent < 100, let key = last[index] else { continue }
      let keys = BandRowBuilder.bracket(last: key, beforeLast: beforeLast[index])
      bracketOf[index] = lows.count
      lows.append(ConcentrationHistogram.lowEdge(UInt32(keys.lowerBound)))
      highs.append(ConcentrationHistogram.lowEdge(UInt32(keys.upperBound + 1)))
      lowKeys.append(UInt32(keys.lowerBound))
      spans.append(Int64(keys.count))
      offsets.append(total)
      total += Int64(keys.count)
    }
    let zeros = KernelWorkspace.countBrackets(
      values, count: count, thresholds: thresholds, lows: lows, highs: highs, below: &below, underHigh: &underHigh,
      above: &above)
    // Every percentile needs a value ≤ 0 or a bracket that holds its rank.
    for index in percents.indices where percents[index] > 0 && percents[index] < 100 && ranks[index] > zeros {
      let bracket = bracketOf[index]
      guard bracket >= 0, below[bracket] < ranks[index], ranks[index] <= underHigh[bracket] else { return false }
    }
    if counts.count < total { counts = Array(repeating: 0, count: Int(total)) }
    if !lows.isEmpty {
      KernelWorkspace.gatherBrackets(
        values, count: count, lowKeys: lowKeys, spans: spans, offsets: offsets, counts: &counts)
    }
    // The minimum and maximum, scanned for only when they can change a value (below).
    var range: (minimum: Double, maximum: Double)?
    func exactRange() -> (minimum: Double, maximum: Double) {
      if let range { return range }
      let scanned = KernelWorkspace.valueRange(values, count: count)
      range = scanned
      return scanned
    }
    for (index, percent) in percents.enumerated() {
      if percent <= 0 {
        row.append(exactRange().minimum)
        continue
      }
      if percent >= 100 {
        row.append(exactRange().maximum)
        continue
      }
      guard ranks[index] > zeros else {
        // 0, limited to [minimum, maximum]: with a positive value somewhere, the minimum is ≤ 0 < maximum.
        row.append(zeros < count ? 0 : min(max(0, exactRange().minimum), exactRange().maximum))
        continue
      }
      let bracket = bracketOf[index]
      let offset = Int(offsets[bracket])
      var before = below[bracket]
      var bin = 0
      while before + counts[offset + bin] < ranks[index] {
        before += counts[offset + bin]
        bin += 1
      }
      var estimate = ConcentrationHistogram.midpoint(lowKeys[bracket] + UInt32(bin))
      // The midpoint is limited to [minimum, maximum] only when the bin holds the minimum (no value below it)
      // or the maximum (no value above it); otherwise both lie outside the bin.
      if before == 0 { estimate = max(estimate, exactRange().minimum) }
      if before + counts[offset + bin] == count { estimate = min(estimate, exactRange().maximum) }
      row.append(estimate)
    }
    for index in 0..<Int(total) { counts[index] = 0 }
    return true
  }
}
