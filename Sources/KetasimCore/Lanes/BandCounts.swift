/// What the bands' scan counts at one output time for one site (over all the subjects, or one part of them):
/// values ≤ 0, values below each bracket's edges, values above each threshold and the brackets' bins (see
/// ``BandBrackets``).
///
/// Counts of disjoint groups of subjects add (``add(_:)``), so that the parts of a population scanned by
/// different threads give the counts of the whole. Storage is kept between uses.
struct BandCounts {
  var zeros: Int64 = 0
  var below: [Int64] = []
  var underHigh: [Int64] = []
  var above: [Int64] = []
  var bins: [Int64] = []

  /// All counts zero, for `brackets` and `thresholds` (keeping the storage).
  mutating func reset(for brackets: BandBrackets, thresholds: Int) {
    zeros = 0
    Self.zero(&below, count: brackets.count)
    Self.zero(&underHigh, count: brackets.count)
    Self.zero(&above, count: thresholds)
    Self.zero(&bins, count: brackets.binCount)
  }

  /// Adds the counts of another group scanned against the same brackets and thresholds.
  mutating func add(_ other: BandCounts) {
    precondition(
      below.count == other.below.count && above.count == other.above.count && bins.count == other.bins.count,
      "counts of the same brackets and thresholds")
    zeros += other.zeros
    for index in below.indices {
      below[index] += other.below[index]
      underHigh[index] += other.underHigh[index]
    }
    for index in above.indices { above[index] += other.above[index] }
    for index in bins.indices { bins[index] += other.bins[index] }
  }

  /// `count` zeros in `array`: in place when the size is the same (a row of the same brackets, the common case in
  /// the time loop), else by emptying and refilling.
  private static func zero(_ array: inout [Int64], count: Int) {
    if array.count == count {
      for index in array.indices { array[index] = 0 }
    } else {
      array.removeAll(keepingCapacity: true)
      array.append(contentsOf: repeatElement(0, count: count))
    }
  }
}
