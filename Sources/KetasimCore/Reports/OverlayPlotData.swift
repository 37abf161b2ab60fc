/// Input of an overlay picture: several runs on one time axis.
///
/// Times are in minutes, concentrations in ng/mL, rates in mg/h; every
/// series has one value per time of ``timesMinutes``.
public struct OverlayPlotData: Sendable {
  /// One run: a label (`regimen / model`), its plasma curve, its
  /// effect-site curve when the model has one, and its infusion rate.
  public struct Series: Sendable {
    public var label: String
    /// Plasma concentration Cp in ng/mL, one value per time.
    public var plasma: [Double]
    /// Effect-site concentration Ce in ng/mL, one value per time, or `nil` without an effect site.
    public var effectSite: [Double]?
    /// Further concentrations (a metabolite), ng/mL, one value per time: dotted curves in the series' colour.
    public var others: [(name: String, values: [Double])] = []
    /// The total infusion rate as a step function.
    ///
    /// Each entry is a time (minutes) from which the rate (mg/h) holds until
    /// the next entry. When any series has rates, a rate panel shows one step
    /// line per series.
    public var rates: [(startMinutes: Double, milligramsPerHour: Double)] = []

    public init(label: String, plasma: [Double], effectSite: [Double]?) {
      self.label = label
      self.plasma = plasma
      self.effectSite = effectSite
    }
  }

  /// The heading of the picture, wrapped to its width.
  public var title: String
  /// Output times in minutes, increasing.
  public var timesMinutes: [Double]
  public var series: [Series]
  /// Reference concentrations in ng/mL, drawn as labelled dashed lines.
  public var thresholds: [(name: String, nanogramsPerMilliliter: Double)]
  /// Warnings about the runs, printed under the time axis.
  public var warnings: [String] = []
  /// Patient, model(s) and date, printed in the footer before the disclaimer.
  public var footer: String?
  /// The stretch of time to draw (minutes), when not the whole run.
  public var timeRange: ClosedRange<Double>?
  /// A logarithmic concentration axis (decades).
  public var logarithmic = false

  public init(
    title: String, timesMinutes: [Double], series: [Series],
    thresholds: [(name: String, nanogramsPerMilliliter: Double)]
  ) {
    self.title = title
    self.timesMinutes = timesMinutes
    self.series = series
    self.thresholds = thresholds
  }
}
