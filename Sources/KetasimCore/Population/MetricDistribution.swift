/// The distribution of one per-subject metric over a population (time of the peak, area under the curve, time
/// above a threshold), fed one subject at a time, in memory that does not grow with the subjects.
///
/// Values are kept in ``ConcentrationHistogram``'s fixed logarithmic bins (values ≤ 0 apart), added a batch at a
/// time, so a percentile is the nearest-rank order statistic to within ``ConcentrationHistogram/relativeErrorBound``
/// (0.2 %), exact when the values are all equal or at 0, and the same whether the subjects came from one run or
/// from merged shards (the bins are fixed in advance).
struct MetricDistribution {
  private var histogram = ConcentrationHistogram()
  private var pending: [Double] = []
  private var builder = HistogramBuilder()
  private var part = ConcentrationHistogram()

  /// Values gathered before they are binned.
  static let batch = 4096

  init() { histogram.reset(thresholds: 0) }

  /// Adds one subject's value.
  mutating func add(_ value: Double) {
    pending.append(value)
    if pending.count == MetricDistribution.batch { flush() }
  }

  private mutating func flush() {
    guard !pending.isEmpty else { return }
    builder.build(pending, count: pending.count, thresholds: [], into: &part)
    histogram.merge(part)
    pending.removeAll(keepingCapacity: true)
  }

  /// The `percent`-th percentiles (increasing), by ``ConcentrationHistogram/appendQuantiles(_:to:)``.
  ///
  /// - Precondition: at least one value was added.
  func percentiles(_ percents: [Double]) -> [Double] {
    var copy = self
    copy.flush()
    var row: [Double] = []
    copy.histogram.appendQuantiles(percents, to: &row)
    return row
  }
}
