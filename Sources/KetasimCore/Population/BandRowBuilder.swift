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
/// **Brackets.** Each percentile's bracket is centred where its bin would be if it kept moving as it did over
/// the last few output times (up to ``window``; a straight line in log concentration, which follows an
/// exponential phase): `k` times ahead, the last bin plus `k` moves (the mean move over the window, or the last
/// move when it is 4 bins or more), with a half width of 4 bins plus `k` half moves plus a bin per 4 times ahead
/// (``bracket(recent:ahead:)``). A population run predicts a block of times at once, so that the threads scan
/// their own subjects for every time of the block without waiting for each other (``predict(ahead:into:)``,
/// ``append(counts:brackets:count:fractions:range:to:)``). When a percentile falls outside its bracket (a dose,
/// the first time), its values are scanned again against the bracket of the next time, and if that fails too
/// the whole histogram is built (``HistogramBuilder``), with the same results; the history then restarts from
/// the last two bins (the jump as a move), and the next times are predicted from it.
///
/// **Cost.** One vectorised scan of the values (values ≤ 0, two edges per bracket, one per threshold, and the
/// bins of the few values inside a bracket), instead of a key per value and a count per key. The minimum and
/// maximum are scanned for only when they can limit a percentile: when its bin holds the smallest or the
/// largest value.
struct BandRowBuilder {
  /// Percentiles (0…100, increasing) and thresholds (ng/mL) of the layout.
  let percents: [Double]
  let thresholds: [Double]

  /// The keys of each percentile's bins at the last times it was found (oldest first, at most ``window``; empty
  /// when it was 0 or has not been found).
  private var recent: [[Int]]
  /// Times whose percentiles needed the whole histogram (for tests and benchmarks).
  private(set) var fallbacks = 0
  /// Times whose percentiles were not in the brackets predicted for them (for tests and benchmarks).
  private(set) var misses = 0

  // Scratch, reused from time to time.
  private var ranks: [Int]
  private var brackets = BandBrackets()
  private var counts = BandCounts()
  private var builder = HistogramBuilder()
  private var histogram = ConcentrationHistogram()

  init(percents: [Double], thresholds: [Double]) {
    precondition(zip(percents, percents.dropFirst()).allSatisfy { $0 <= $1 }, "percentiles out of order")
    self.percents = percents
    self.thresholds = thresholds
    recent = Array(repeating: [], count: percents.count)
    for index in recent.indices { recent[index].reserveCapacity(BandRowBuilder.window) }
    ranks = Array(repeating: 0, count: percents.count)
  }

  /// Bins a prediction looks back over (the last output times found).
  static let window = 8

  /// The bracket of keys predicted `ahead` output times after the last of the bins `recent` (1: the next
  /// time): from their move per time (the mean over them, or the last when it is 4 bins or more), or ±16 bins
  /// (and 4 more per time ahead) around a single bin.
  static func bracket(recent: [Int], ahead: Int = 1) -> ClosedRange<Int> {
    precondition(ahead >= 1 && !recent.isEmpty, "a prediction is for a later time, from a bin found")
    let last = recent[recent.count - 1]
    let centre: Int
    let half: Int
    if recent.count == 1 {
      centre = last
      half = 16 + 4 * (ahead - 1)
    } else {
      // Moves of a few bins per time carry a bin of rounding each: their mean over the window predicts them.
      // Larger ones (a coarse grid) change from time to time as the decay's phases succeed each other: the
      // last predicts the next.
      let lastMove = last - recent[recent.count - 2]
      let perTime = abs(lastMove) >= 4 ? Double(lastMove) : Double(last - recent[0]) / Double(recent.count - 1)
      let move = perTime * Double(ahead)
      centre = last + Int(move.rounded())
      half = 4 + Int((abs(move) / 2).rounded(.up)) + (ahead - 1) / 4
    }
    let keys = BandBrackets.keys
    let low = min(max(centre - half, keys.lowerBound), keys.upperBound)
    let high = min(max(centre + half, low), keys.upperBound)
    return low...high
  }

  /// The fastest move of a percentile, its last or its mean over its last bins, in bins per output time (0
  /// before two are found).
  var pace: Double {
    var fastest = 0.0
    for keys in recent where keys.count > 1 {
      let lastMove = Double(keys[keys.count - 1] - keys[keys.count - 2])
      fastest = max(fastest, abs(lastMove), abs(Double(keys[keys.count - 1] - keys[0]) / Double(keys.count - 1)))
    }
    return fastest
  }

  /// Each percentile's bracket `ahead` output times after the last time found (1: the next time), into
  /// `brackets`.
  func predict(ahead: Int, into brackets: inout BandBrackets) {
    brackets.removeAll()
    for (index, percent) in percents.enumerated() {
      guard percent > 0 && percent < 100, !recent[index].isEmpty else {
        brackets.append(nil)
        continue
      }
      brackets.append(BandRowBuilder.bracket(recent: recent[index], ahead: ahead))
    }
  }

  /// Appends the percentiles of `values[0 ..< count]` (ng/mL, no NaN, no −0.0), then, when `fractions`, the
  /// fraction strictly above each threshold, to `row`.
  ///
  /// - Precondition: `count > 0`.
  mutating func append(_ values: [Double], count: Int, fractions: Bool, to row: inout [Double]) {
    precondition(count > 0 && count <= values.count, "percentiles of no values")
    // The scratch taken out of `self` (not copied: a copy would be written to, and allocate) and put back.
    var brackets = BandBrackets()
    var counts = BandCounts()
    swap(&brackets, &self.brackets)
    swap(&counts, &self.counts)
    defer {
      self.brackets = brackets
      self.counts = counts
    }
    predict(ahead: 1, into: &brackets)
    counts.reset(for: brackets, thresholds: thresholds.count)
    KernelWorkspace.scanBands(values, count: count, thresholds: thresholds, brackets: brackets, into: &counts)
    let range = { KernelWorkspace.valueRange(values, count: count) }
    if append(counts: counts, brackets: brackets, count: count, fractions: fractions, range: range, to: &row) {
      return
    }
    fallbacks += 1
    let start = row.count
    builder.build(values, count: count, thresholds: thresholds, into: &histogram)
    histogram.appendQuantiles(percents, to: &row)
    // The percentiles jumped (a dose): the moves before the jump do not predict the moves after it, so the
    // next prediction starts from the jump alone (as a move), the one after from the first move after it.
    for index in recent.indices where recent[index].count > 1 {
      recent[index].removeFirst(recent[index].count - 1)
    }
    record(row[start...])
    guard fractions else { return }
    for index in thresholds.indices { row.append(histogram.fractionAbove(index)) }
  }

  /// Appends a row's percentiles found from the counts of its values' scan.
  ///
  /// The percentiles of `count` values, then, when `fractions`, the fraction strictly above each threshold, go
  /// to `row`, from `counts`: the values' scan against `brackets` (``predict(ahead:into:)``) and
  /// ``thresholds``. `range` gives the values' smallest and largest (called only when one can limit a
  /// percentile).
  ///
  /// Returns false, with `row` and the predictions unchanged, when a percentile's bin is not in its bracket.
  mutating func append(
    counts: BandCounts, brackets: BandBrackets, count: Int, fractions: Bool,
    range: () -> (minimum: Double, maximum: Double), to row: inout [Double]
  ) -> Bool {
    precondition(count > 0, "percentiles of no values")
    precondition(brackets.bracketOf.count == percents.count, "one entry per percentile")
    let zeros = Int(counts.zeros)
    // Every percentile needs a value ≤ 0 or a bracket that holds its rank.
    for (index, percent) in percents.enumerated() {
      ranks[index] = min(max(Int((percent * Double(count) / 100).rounded(.up)), 1), count)
      guard percent > 0 && percent < 100 && ranks[index] > zeros else { continue }
      let bracket = brackets.bracketOf[index]
      guard bracket >= 0, counts.below[bracket] < ranks[index], ranks[index] <= counts.underHigh[bracket] else {
        misses += 1
        return false
      }
    }
    // The minimum and maximum, scanned for only when they can change a value (below).
    var scanned: (minimum: Double, maximum: Double)?
    func exactRange() -> (minimum: Double, maximum: Double) {
      if let scanned { return scanned }
      let found = range()
      scanned = found
      return found
    }
    let start = row.count
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
      let bracket = brackets.bracketOf[index]
      let offset = Int(brackets.offsets[bracket])
      var before = counts.below[bracket]
      var bin = 0
      while before + counts.bins[offset + bin] < ranks[index] {
        before += counts.bins[offset + bin]
        bin += 1
      }
      var estimate = ConcentrationHistogram.midpoint(brackets.lowKeys[bracket] + UInt32(bin))
      // The midpoint is limited to [minimum, maximum] only when the bin holds the minimum (no value below it)
      // or the maximum (no value above it); otherwise both lie outside the bin.
      if before == 0 { estimate = max(estimate, exactRange().minimum) }
      if before + counts.bins[offset + bin] == count { estimate = min(estimate, exactRange().maximum) }
      row.append(estimate)
    }
    record(row[start...])
    guard fractions else { return true }
    for index in thresholds.indices { row.append(Double(counts.above[index]) / Double(count)) }
    return true
  }

  /// Takes a time's percentiles (in ``percents``' order) as the last ones found, for the predictions.
  private mutating func record(_ estimates: ArraySlice<Double>) {
    for (index, estimate) in zip(percents.indices, estimates) {
      let percent = percents[index]
      guard percent > 0 && percent < 100 && estimate > 0 else {
        recent[index].removeAll(keepingCapacity: true)
        continue
      }
      if recent[index].count == BandRowBuilder.window { recent[index].removeFirst() }
      recent[index].append(Int(ConcentrationHistogram.key(estimate)))
    }
  }
}
