/// Builds ``ConcentrationHistogram``s from raw values with reusable scratch
/// storage, so that a time loop allocates nothing once warmed up.
///
/// The scan over the values is the C kernel behind
/// ``KernelWorkspace/binValues(_:count:thresholds:keys:above:)`` (and
/// ``KernelWorkspace/countKeys(_:count:low:range:dense:occupied:binKeys:binCounts:)``).
struct HistogramBuilder {
  private var keyScratch: [UInt32] = []
  private var dense: [Int64] = []
  private var occupied: [UInt64] = []
  private var above: [Int64] = []
  private var binKeys: [UInt32] = []
  private var binCounts: [Int] = []

  /// The widest key range there is, 2¹⁹ keys.
  ///
  /// A positive double's key is its exponent and top mantissa bits (bits 44...62, see `KS_BIN_SHIFT`). Counting in a dense array of that many entries (4 MB, grown only
  /// as far as the ranges met need) is linear in the values whatever their spread; the key range of a long
  /// series spans dozens of decades between sessions (trough after weeks), where sorting the keys cost more
  /// than everything else in the bands.
  static let denseLimit = 1 << 19

  /// Fills `histogram` with the first `count` entries of `values` (ng/mL)
  /// against `thresholds` (ng/mL).
  mutating func build(
    _ values: [Double], count: Int, thresholds: [Double], into histogram: inout ConcentrationHistogram
  ) {
    precondition(count <= values.count, "more values requested than given")
    histogram.reset(thresholds: thresholds.count)
    histogram.count = count
    if keyScratch.count < count { keyScratch = [UInt32](repeating: 0, count: count) }
    if above.count < thresholds.count { above = [Int64](repeating: 0, count: thresholds.count) }
    let stats = KernelWorkspace.binValues(
      values, count: count, thresholds: thresholds, keys: &keyScratch, above: &above)
    histogram.minimum = stats.minimum
    histogram.maximum = stats.maximum
    histogram.zeroCount = stats.zeros
    for index in thresholds.indices { histogram.above[index] = Int(above[index]) }
    let positives = stats.positives
    guard positives > 0 else { return }
    let lowKey = stats.lowKey
    let range = Int(stats.highKey - lowKey) + 1
    precondition(range <= HistogramBuilder.denseLimit, "keys of positive doubles span at most 2^19 values")
    // `dense` and `occupied` are all zero between calls (the kernel
    // leaves them so); they only ever grow, geometrically (the key range
    // of a decaying population widens by a few bins per output time).
    if dense.count < range {
      let capacity = min(HistogramBuilder.denseLimit, max(range, 2 * dense.count))
      dense = [Int64](repeating: 0, count: capacity)
      occupied = [UInt64](repeating: 0, count: (capacity + 63) / 64)
    }
    if binKeys.count < positives {
      binKeys = [UInt32](repeating: 0, count: positives)
      binCounts = [Int](repeating: 0, count: positives)
    }
    let bins = KernelWorkspace.countKeys(
      keyScratch, count: positives, low: lowKey, range: range, dense: &dense, occupied: &occupied,
      binKeys: &binKeys, binCounts: &binCounts)
    histogram.keys.append(contentsOf: binKeys[0..<bins])
    histogram.counts.append(contentsOf: binCounts[0..<bins])
  }
}
