/// The brackets of bins one site's percentiles are looked for in at one output time, in the form the bands' scan
/// (``KernelWorkspace/scanBands(_:scales:count:thresholds:brackets:into:instructionSet:)``) takes: bracket `b` is the bin
/// keys `lowKeys[b] ..< lowKeys[b] + spans[b]`, and its bins' counts start at `offsets[b]` of
/// ``BandCounts/bins``.
///
/// Storage is kept between uses (``removeAll()``), so that a time loop allocates nothing once warmed up.
struct BandBrackets {
  private(set) var lowKeys: [UInt32] = []
  private(set) var spans: [Int64] = []
  private(set) var offsets: [Int64] = []
  /// Each percentile's bracket (an index into the arrays above), or −1 when it has none (0, 100, or no
  /// prediction yet).
  private(set) var bracketOf: [Int] = []
  /// Bins of all the brackets together.
  private(set) var binCount = 0

  /// Brackets in all.
  var count: Int { lowKeys.count }

  /// Empties the brackets, keeping their storage.
  mutating func removeAll() {
    lowKeys.removeAll(keepingCapacity: true)
    spans.removeAll(keepingCapacity: true)
    offsets.removeAll(keepingCapacity: true)
    bracketOf.removeAll(keepingCapacity: true)
    binCount = 0
  }

  /// Keys of positive finite doubles: a bracket lies within them, so that no value ≤ 0 or infinite falls in one.
  static let keys = 1...0x7FEFF

  /// Adds the next percentile's bracket, the keys `keys` (within ``keys``), or none.
  mutating func append(_ keys: ClosedRange<Int>?) {
    guard let keys else {
      bracketOf.append(-1)
      return
    }
    precondition(
      Self.keys.contains(keys.lowerBound) && Self.keys.contains(keys.upperBound),
      "a bracket lies within the keys of positive finite doubles")
    bracketOf.append(lowKeys.count)
    lowKeys.append(UInt32(keys.lowerBound))
    spans.append(Int64(keys.count))
    offsets.append(Int64(binCount))
    binCount += keys.count
  }
}
