/// A target-controlled infusion: the pump rates that bring the plasma or
/// effect-site concentration to a sequence of targets and hold it there,
/// planned on the exact solution of the model.
///
/// The run is cut into pump periods (``InfusionPump/period``, restarted at
/// every target step; the last period of a step is shorter when the step is
/// not a whole number of periods). Over each period the rate is constant, so
/// linearity gives the state at any offset `t` into the period as
///
/// ```
/// x(t) = Φ(t)·x₀ + r·Γ(t)
/// ```
///
/// (``LinearSystem/transition(overMinutes:)``: `Φ(t)·x₀` is the prediction
/// with the pump stopped, `Γ(t)` the response to 1 mg/min). The controller
/// picks `r` per period:
///
/// - **Plasma** (Jacobs 1990; Shafer & Gregg 1992): the rate that makes the
///   predicted plasma concentration at the end of the period equal the
///   target, `r = (V1·T − [Φ(P)x₀]₁) / [Γ(P)]₁`. From an empty patient this
///   fills to the target in one period (or as fast as the pump allows), and
///   from then on it replaces what leaves the central compartment.
/// - **Effect site** (Shafer & Gregg 1992): the largest rate for which the
///   predicted effect-site concentration, with the pump running at `r` for
///   this period and stopped afterwards, never exceeds the target:
///   `r = min over t > 0 of (T − b(t)) / h(t)`, where `b(t)` is the effect
///   site with the pump stopped and `h(t)` its response to this period's
///   unit infusion. At the minimising `t*` the combined curve `b + r·h` peaks
///   exactly at the target (there `b′ + r·h′ = 0`): `t*` is the predicted
///   time of peak effect, and the minimisation is the classic iteration "peak
///   time → rate → peak time" solved directly (see
///   ``EffectSiteLookahead``). From an empty patient the first period gives
///   the infusion whose effect-site peak equals the target, the next periods
///   give (practically) nothing until that peak, and maintenance follows;
///   plasma overshoots only as much as reaching the effect site by its peak
///   requires.
///
/// Both rates are clamped to `[0, maximum]`: a target below the prediction
/// (a step down) pauses the pump until the prediction has fallen to it, and
/// a tight maximum keeps the pump at its limit until the target is in reach.
/// Everything is in the engine's state space (mg, min, mg/L), so replaying
/// ``schedule`` through ``Simulation`` reproduces the planned concentrations
/// to rounding.
///
/// Generic over the engine: a model with a general structure (a metabolite)
/// is planned on plasma the same way, its other observations shown, not
/// targeted; the effect site is targeted with the mammillary models.
public struct TargetControlledInfusion<System: LinearSystem>: Sendable {
  /// One pump period: a constant rate from ``start`` for ``length``.
  public struct Period: Sendable, Equatable {
    public var start: ClockTime
    public var length: ClockTime
    /// The rate the pump runs at (mg/min), within `[0, maximum]`.
    public var milligramsPerMinute: Double
    /// The rate the algorithm asked for before clamping (mg/min): negative
    /// while the pump must pause, above the maximum while it is limited.
    public var requestedMilligramsPerMinute: Double
    /// Index into ``TargetControlledInfusion/steps``, or `nil` after the last
    /// step (the pump is off).
    public var step: Int?
    /// State at the start of the period (mg; effect site mg/L).
    public var state: System.State
    /// When the rate was not clamped: the time (min) at which the controller
    /// predicts the target (plasma: the end of the period; effect site: the
    /// predicted peak).
    public var predictedTargetTime: Double?

    /// End of the period.
    public var end: ClockTime { start + length }
  }

  /// One target step as planned.
  public struct Step: Sendable, Equatable {
    /// The target (ng/mL).
    public var nanogramsPerMilliliter: Double
    public var start: ClockTime
    public var end: ClockTime
    /// The first time in the step (min) at which the controller predicted
    /// the target would be met, or `nil` if it never could be (a pump too
    /// slow, a step too short).
    public var predictedTargetTime: Double?
  }

  public let disposition: System
  public let site: CurveReadout.Site
  public let pump: InfusionPump
  public let steps: [Step]
  public let periods: [Period]
  /// End of the run.
  public let end: ClockTime

  /// Plans the infusion for `targets`, one after the other from time zero,
  /// over `[0, end]`; after the last timed step the pump is off.
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` when there is no
  ///   target, an open-ended step is not the last, the steps run past `end`,
  ///   `end` is zero, the effect site is targeted in a model without one, or
  ///   the period cuts the run into more than ``largestPeriodCount`` periods.
  public init(
    disposition: System, site: CurveReadout.Site, targets: [TargetStep], pump: InfusionPump,
    through end: ClockTime
  ) throws {
    guard !targets.isEmpty else {
      throw KetasimError.invalidValue("target", "", accepted: "at least one target, such as '150 ng/mL for 2 h'")
    }
    guard end > .zero else {
      throw KetasimError.invalidValue("duration", "\(end.minutes) min", accepted: "a positive duration for TCI")
    }
    if site == .effectSite, disposition.observation(.effectSite) == nil {
      throw KetasimError.invalidValue(
        "site", "effect", accepted: "plasma, or effect with a model that has a ke0", remedy: .giveKe0)
    }
    if site == .effectSite, !(disposition is Disposition) {
      throw KetasimError.invalidValue(
        "site", "effect",
        accepted: "plasma with a model that has a general structure (effect-site TCI plans "
          + "the mammillary models)")
    }
    guard disposition.observation(.plasma) != nil else {
      throw KetasimError.invalidValue("model", "without a cp observation", accepted: "a model that reports plasma")
    }
    var steps: [Step] = []
    var start = ClockTime.zero
    for (index, target) in targets.enumerated() {
      guard let duration = target.duration ?? (index == targets.count - 1 ? end - start : nil) else {
        throw KetasimError.invalidValue(
          "target", "\(target.nanogramsPerMilliliter) ng/mL",
          accepted: "a duration ('for 30 min') on every target but the last")
      }
      let stop = start + duration
      guard stop <= end, duration > .zero else {
        throw KetasimError.invalidValue(
          "duration", "\(end.minutes) min",
          accepted: "a run at least as long as the targets (\(stop.minutes) min)", remedy: .longerDuration(stop))
      }
      steps.append(Step(nanogramsPerMilliliter: target.nanogramsPerMilliliter, start: start, end: stop))
      start = stop
    }
    let spans = steps.enumerated().map { (Optional($0.offset), $0.element.start, $0.element.end) } + [(nil, start, end)]
    let count = spans.reduce(Int64(0)) { total, span in
      let length = (span.2 - span.1).microseconds
      return total + (length + pump.period.microseconds - 1) / pump.period.microseconds
    }
    guard count <= TargetControlledInfusion.largestPeriodCount else {
      throw KetasimError.invalidValue(
        "period", "\(Double(pump.period.microseconds) / 1e6) s",
        accepted: "a period that cuts the run into at most 1,000,000 pump periods (\(count) here)")
    }
    self.disposition = disposition
    self.site = site
    self.pump = pump
    self.end = end
    var planner = TargetRatePlanner(disposition: disposition, site: site, pump: pump)
    var periods: [Period] = []
    var state = System.State.zero
    for (step, from, to) in spans where to > from {
      var time = from
      while time < to {
        let length = min(pump.period, to - time)
        var period = Period(
          start: time, length: length, milligramsPerMinute: 0, requestedMilligramsPerMinute: 0, step: step,
          state: state, predictedTargetTime: nil)
        if let step {
          let target = steps[step].nanogramsPerMilliliter / 1000
          let (requested, peak) = planner.rate(from: state, over: length, toReach: target)
          let rate = min(max(requested, 0), pump.maximumMilligramsPerMinute ?? .infinity)
          period.requestedMilligramsPerMinute = requested
          period.milligramsPerMinute = rate
          if requested >= 0, rate == requested {
            period.predictedTargetTime = time.minutes + peak
            if steps[step].predictedTargetTime == nil { steps[step].predictedTargetTime = time.minutes + peak }
          }
        }
        state = planner.transition(over: length).apply(to: state, rate: period.milligramsPerMinute)
        periods.append(period)
        time = time + length
      }
    }
    self.steps = steps
    self.periods = periods
  }

  /// The planned infusion as a dosing schedule: one infusion per run of
  /// periods with the same non-zero rate.
  public var schedule: DosingSchedule {
    var doses: [Dose] = []
    var index = 0
    while index < periods.count {
      let rate = periods[index].milligramsPerMinute
      var last = index
      while last + 1 < periods.count, periods[last + 1].milligramsPerMinute == rate { last += 1 }
      if rate > 0 {
        doses.append(
          .infusion(
            milligramsPerMinute: rate, start: periods[index].start, duration: periods[last].end - periods[index].start))
      }
      index = last + 1
    }
    do {
      return try DosingSchedule(doses)
    } catch {
      preconditionFailure("planned rates are finite and non-negative: \(error)")
    }
  }

  /// The exact simulation of ``schedule``.
  public var simulation: ExactSimulation<System> { ExactSimulation(disposition: disposition, schedule: schedule) }

  /// Most pump periods a plan may have (115 days at 10 s): a bound on
  /// memory and time, far beyond a clinical session.
  public static var largestPeriodCount: Int64 { 1_000_000 }

  /// Fastest rate the pump runs at (mg/min).
  public var largestRate: Double { periods.map(\.milligramsPerMinute).max() ?? 0 }
}
