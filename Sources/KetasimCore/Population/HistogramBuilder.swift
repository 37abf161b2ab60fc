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

  /// Largest key range counted in a dense array; wider ranges are sorted.
  static let denseLimit = 1 << 16

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
    if range <= HistogramBuilder.denseLimit {
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
    } else {
      keyScratch[0..<positives].sort()
      var start = 0
      while start < positives {
        var end = start + 1
        while end < positives && keyScratch[end] == keyScratch[start] { end += 1 }
        histogram.keys.append(keyScratch[start])
        histogram.counts.append(end - start)
        start = end
      }
    }
  }
}
