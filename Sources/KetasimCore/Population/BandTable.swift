/// The percentile bands of a population run as CSV: one row per output time.
///
/// Columns: `time_min`; for each requested percentile `cp_pXX_ng_per_ml`
/// (`p05`, `p50`, `p95` by default); for each threshold `p_above_T`, the
/// fraction of subjects whose plasma concentration is strictly above `T` at
/// that time; then, with an effect site, the same for it (`ce_pXX_ng_per_ml`,
/// `p_ce_above_T`); then a metabolite's percentiles (`nk_pXX_ng_per_ml`; the
/// thresholds are parent-drug levels, so no fractions).
///
/// Fractions are exact (counts over the number of subjects). Percentiles
/// are ``ConcentrationHistogram/quantile(_:)``: nearest rank, to within
/// 2⁻⁹ (0.2 %) relative, identical whether computed in one run or merged
/// from shards.
public struct BandTable: Sendable {
  public let layout: PopulationLayout

  public init(layout: PopulationLayout) {
    self.layout = layout
  }

  public var columns: [String] {
    var columns = ["time_min"]
    for site in layout.bandSites {
      let p = site.rawValue
      columns += layout.percentiles.values.map { "\(p)_\(PercentileList.label($0))_ng_per_ml" }
      guard site.isParent else { continue }
      let prefix = site == .plasma ? "p_above_" : "p_ce_above_"
      columns += layout.thresholdNames.map { prefix + $0 }
    }
    return columns
  }

  /// The row at `time` from one histogram per site.
  public func row(time: ClockTime, histograms: [ConcentrationHistogram]) -> [Double] {
    var row = [time.minutes]
    row.reserveCapacity(1 + histograms.count * (layout.percentiles.values.count + layout.thresholdNames.count))
    for (site, histogram) in histograms.enumerated() {
      histogram.appendQuantiles(layout.percentiles.values, to: &row)
      guard site < layout.sites.count else { continue }
      for index in layout.thresholdNames.indices { row.append(histogram.fractionAbove(index)) }
    }
    return row
  }

  /// Calls `body` with the row of each of `source`'s times, from its histograms
  /// (``PopulationSource/streamHistograms(progress:_:)``).
  func streamRows(
    of source: some PopulationSource, progress: (Double) -> Void, _ body: ([Double]) throws -> Void
  ) throws {
    try source.streamHistograms(progress: progress) { _, time, histograms in
      try body(row(time: time, histograms: histograms))
    }
  }
}
