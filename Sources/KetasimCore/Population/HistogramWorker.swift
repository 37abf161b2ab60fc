/// One thread's scratch for reducing the subjects' values at an output time: used by one thread at a time (the
/// worker of its index), hence `@unchecked Sendable`.
final class HistogramWorker: @unchecked Sendable {
  /// What each output time is reduced to.
  enum Product {
    /// One ``ConcentrationHistogram`` per site (shards, blocks).
    case histograms
    /// The bands CSV's row (``BandTable``).
    case bandRows
  }

  let product: Product
  let layout: PopulationLayout
  /// One site's values at one time, in subject order.
  var values: [Double]
  var builder = HistogramBuilder()
  /// `.histograms`: row-major, one per row and site.
  var histograms: [ConcentrationHistogram] = []
  /// `.bandRows`: one bands row per row of the block, and each site's builder (its predictions follow the
  /// worker's times).
  var rows: [[Double]] = []
  var bands: [BandRowBuilder] = []

  init(product: Product, lanes: Int, rows: Int, layout: PopulationLayout) {
    self.product = product
    self.layout = layout
    values = [Double](repeating: 0, count: lanes)
    let sites = layout.bandSites.count
    switch product {
    case .histograms:
      histograms = [ConcentrationHistogram](repeating: ConcentrationHistogram(), count: rows * sites)
    case .bandRows:
      self.rows = [[Double]](repeating: [], count: rows)
      bands = (0..<sites).map { _ in
        BandRowBuilder(percents: layout.percentiles.values, thresholds: layout.thresholdValues)
      }
    }
  }

  /// Starts output row `row` (at `time`).
  func begin(row: Int, time: ClockTime) {
    guard product == .bandRows else { return }
    rows[row].removeAll(keepingCapacity: true)
    rows[row].append(time.minutes)
  }

  /// Reduces `values[0 ..< lanes]`, site `site`'s values at row `row`.
  func reduce(row: Int, site: Int, lanes: Int) {
    switch product {
    case .histograms:
      builder.build(
        values, count: lanes, thresholds: layout.thresholdValues, into: &histograms[row * layout.bandSites.count + site]
      )
    case .bandRows:
      bands[site].append(values, count: lanes, fractions: site < layout.sites.count, to: &rows[row])
    }
  }
}
