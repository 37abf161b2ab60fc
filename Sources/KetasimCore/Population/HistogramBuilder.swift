/// Builds ``ConcentrationHistogram``s from raw values with reusable scratch
/// storage, so that a time loop allocates nothing once warmed up.
struct HistogramBuilder {
  private var keyScratch: [UInt32] = []
  private var dense: [Int] = []

  /// Largest key range counted in a dense array; wider ranges are sorted.
  static let denseLimit = 1 << 16

  /// Fills `histogram` with the first `count` entries of `values` (ng/mL)
  /// against `thresholds` (ng/mL).
  mutating func build(
    _ values: [Double], count: Int, thresholds: [Double], into histogram: inout ConcentrationHistogram
  ) {
    histogram.reset(thresholds: thresholds.count)
    histogram.count = count
    if keyScratch.count < count { keyScratch = [UInt32](repeating: 0, count: count) }
    var minimum = Double.infinity
    var maximum = -Double.infinity
    var zeros = 0
    var positives = 0
    var lowKey = UInt32.max
    var highKey = UInt32.min
    for index in 0..<count {
      let value = values[index]
      minimum = Swift.min(minimum, value)
      maximum = Swift.max(maximum, value)
      if value > 0 {
        let key = ConcentrationHistogram.key(value)
        keyScratch[positives] = key
        positives += 1
        lowKey = Swift.min(lowKey, key)
        highKey = Swift.max(highKey, key)
      } else {
        zeros += 1
      }
    }
    histogram.minimum = minimum
    histogram.maximum = maximum
    histogram.zeroCount = zeros
    for (index, threshold) in thresholds.enumerated() {
      var above = 0
      for value in values[0..<count] where value > threshold { above += 1 }
      histogram.above[index] = above
    }
    guard positives > 0 else { return }
    let range = Int(highKey - lowKey) + 1
    if range <= HistogramBuilder.denseLimit {
      if dense.count < range { dense = [Int](repeating: 0, count: range) }
      for index in 0..<range { dense[index] = 0 }
      for index in 0..<positives { dense[Int(keyScratch[index] - lowKey)] += 1 }
      for index in 0..<range where dense[index] > 0 {
        histogram.keys.append(lowKey + UInt32(index))
        histogram.counts.append(dense[index])
      }
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
