/// One thread's scratch for reducing the subjects' values at an output time to histograms: used by one thread at
/// a time (the worker of its index), hence `@unchecked Sendable`.
final class HistogramWorker: @unchecked Sendable {
  let layout: PopulationLayout
  /// One site's values at one time, in subject order.
  var values: [Double]
  var builder = HistogramBuilder()
  /// Row-major, one per row and site.
  var histograms: [ConcentrationHistogram] = []

  init(lanes: Int, rows: Int, layout: PopulationLayout) {
    self.layout = layout
    values = [Double](repeating: 0, count: lanes)
    histograms = [ConcentrationHistogram](repeating: ConcentrationHistogram(), count: rows * layout.bandSites.count)
  }

  /// Reduces `values[0 ..< lanes]`, site `site`'s values at row `row`.
  func reduce(row: Int, site: Int, lanes: Int) {
    builder.build(
      values, count: lanes, thresholds: layout.thresholdValues, into: &histograms[row * layout.bandSites.count + site])
  }
}
