/// Exact read-out of one concentration curve (plasma or effect site) over a
/// run: peak, time of peak, area under the curve and, for each threshold, the
/// time spent above it and the first and last time above it.
///
/// Nothing here depends on an output grid. Peaks and crossings are found on
/// the exact solution, segment by segment of constant input (``ExactCurve``):
/// each segment is cut at the zeros of the curve's derivative, found exactly
/// from its exponential form, into stretches on which it is monotone; peaks
/// are then values at the cuts, and each threshold is crossed at most once per
/// stretch, where safeguarded Newton steps find it to 1e-9 min. A 1-min and a
/// 1-s output grid therefore report the same numbers. The area comes from mass
/// balance, not quadrature: `AUC_Cp = (given − in body)/CL` and
/// `AUC_Ce = AUC_Cp − (Ce(end) − Ce(0))/ke0`.
public struct CurveReadout: Sendable {
  /// Which concentration this is (CSV prefix `cp` or `ce`).
  public typealias Site = Observation.Site

  /// Time above one threshold.
  public struct ThresholdTimes: Sendable, Equatable {
    public var threshold: NamedThreshold
    /// Total time strictly above the threshold (min).
    public var minutesAbove: Double
    /// First time above, or `nil` when never above (min).
    public var firstAbove: Double?
    /// Last time above (the final downward crossing, or the end of the run
    /// when still above), or `nil` when never above (min).
    public var lastAbove: Double?
  }

  public var site: Site
  /// Peak concentration (ng/mL).
  public var maximum: Double
  /// Time of the peak (min); the first one when the peak is reached twice.
  public var timeOfMaximum: Double
  /// Area under the curve from 0 to the end of the run (ng·min/mL).
  public var areaUnderCurve: Double
  public var thresholds: [ThresholdTimes]

  /// Reads `site` of `simulation` over `[0, end]`.
  ///
  /// - Precondition: for `.effectSite`, the model has an effect site.
  @_specialize(where System == Disposition)
  @_specialize(where System == GeneralDisposition)
  public init<System>(
    _ simulation: ExactSimulation<System>, site: Site, through end: ClockTime, thresholds: [NamedThreshold]
  ) {
    self.init(ExactCurve(simulation, site: site, through: end), site: site, thresholds: thresholds)
  }

  init<System>(_ curve: ExactCurve<System>, site: Site, thresholds: [NamedThreshold]) {
    self.site = site
    (timeOfMaximum, maximum) = curve.maximum()
    areaUnderCurve = curve.areaUnderCurve()
    self.thresholds = thresholds.map { curve.timesAbove($0) }
  }
}
