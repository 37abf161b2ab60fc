/// Input of a population picture: percentile bands of the plasma
/// concentration over time, and what to draw around them.
///
/// Times are in minutes, concentrations in ng/mL, rates in mg/h; every
/// percentile has one value per time of ``timesMinutes``.
public struct BandPlotData: Sendable {
  /// The heading of the picture, wrapped to its width.
  public var title: String
  /// Output times in minutes, increasing.
  public var timesMinutes: [Double]
  /// The percentiles (percent, 0…100, increasing) and, for each, the
  /// plasma concentration Cp in ng/mL at each time.
  public var percentiles: [(percent: Double, values: [Double])]
  /// Further observations (a metabolite) with their percentiles in ng/mL, same percents and times as
  /// ``percentiles``: drawn as dotted lines in their own colour, the median thicker.
  public var others: [(name: String, percentiles: [(percent: Double, values: [Double])])] = []
  /// Reference concentrations in ng/mL, drawn as labelled dashed lines.
  public var thresholds: [(name: String, nanogramsPerMilliliter: Double)]
  /// The typical patient's total infusion rate as a step function.
  ///
  /// Each entry is a time (minutes) from which the rate (mg/h) holds until
  /// the next entry. When present, a rate panel shows it.
  public var rates: [(startMinutes: Double, milligramsPerHour: Double)] = []
  /// The typical patient's bolus times in minutes, drawn as ticks on the time axis.
  public var boluses: [Double] = []
  /// Observed concentrations (minutes, ng/mL) drawn as dots over the bands: a visual predictive check.
  public var observed: [(minutes: Double, nanogramsPerMilliliter: Double)] = []
  /// Warnings about the run, printed under the time axis.
  public var warnings: [String] = []
  /// Population, model and date, printed in the footer before the disclaimer.
  public var footer: String?
  /// The stretch of time to draw (minutes), when not the whole run.
  public var timeRange: ClosedRange<Double>?
  /// A logarithmic concentration axis (decades).
  public var logarithmic = false

  public init(
    title: String, timesMinutes: [Double], percentiles: [(percent: Double, values: [Double])],
    thresholds: [(name: String, nanogramsPerMilliliter: Double)]
  ) {
    self.title = title
    self.timesMinutes = timesMinutes
    self.percentiles = percentiles.sorted { $0.percent < $1.percent }
    self.thresholds = thresholds
  }

  /// The plasma bands of `rows`, rows of the bands CSV as ``BandTable/row(time:histograms:)`` gives them
  /// (`time_min`, then the `cp_pXX_ng_per_ml` columns of `layout`), with the layout's thresholds, and the
  /// metabolites' percentiles as ``others``.
  public init(title: String, layout: PopulationLayout, rows: [[Double]]) {
    let percents = layout.percentiles.values
    func percentiles(from column: Int) -> [(percent: Double, values: [Double])] {
      percents.enumerated().map { index, percent in
        (percent, rows.map { column + index < $0.count ? $0[column + index] : .nan })
      }
    }
    self.init(
      title: title, timesMinutes: rows.map { $0.first ?? .nan }, percentiles: percentiles(from: 1),
      thresholds: layout.thresholds.map { ($0.name, $0.nanogramsPerMilliliter) })
    let columns = BandTable(layout: layout).columns
    others = (layout.metabolites ?? []).compactMap { name in
      columns.firstIndex(of: "\(name)_\(PercentileList.label(percents[0]))_ng_per_ml").map {
        (name, percentiles(from: $0))
      }
    }
  }
}
