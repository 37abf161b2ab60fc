/// How well one target step was met, read off the exact re-simulation of
/// the planned schedule (never off an output grid).
///
/// Times are minutes after the step's start; concentrations ng/mL at the
/// targeted site.
public struct TargetAttainment: Sendable, Equatable {
  /// Index of the step (0-based).
  public var step: Int
  /// The target (ng/mL).
  public var target: Double
  /// When the controller predicted the target would be met (min after the
  /// step's start), or `nil` if it never could be within the step.
  public var predictedTimeToTarget: Double?
  /// First time the concentration is within 5 % of the target (min after
  /// the step's start), or `nil` if never within the step.
  public var timeToWithin5Percent: Double?
  /// Largest excess over the target (ng/mL, zero when never above): over the
  /// whole step when it starts at or below the target; in a step down, from
  /// the predicted time on (zero when the target is never predicted).
  public var overshoot: Double
  /// Largest relative deviation `|C − T|/T` from the predicted time to the
  /// end of the step (the hold accuracy), or `nil` without a prediction or
  /// for a zero target.
  public var holdError: Double?
  /// Lowest and highest concentration in the step (ng/mL).
  public var minimum: Double
  public var maximum: Double
}

extension TargetControlledInfusion {
  /// The attainment of every step, from the exact simulation of
  /// ``schedule`` at the targeted site.
  public func attainment() -> [TargetAttainment] {
    attainment(of: ExactCurve(simulation, site: site, through: end))
  }

  func attainment(of curve: ExactCurve<System>) -> [TargetAttainment] {
    steps.enumerated().map { index, step in
      let start = step.start.minutes
      let stop = step.end.minutes
      let target = step.nanogramsPerMilliliter
      let initial = curve.extremes(from: start, to: start).maximum.value
      let whole = curve.extremes(from: start, to: stop)
      func firstCrossing(of level: Double, upward: Bool) -> Double? {
        curve.crossings(of: level).crossings.first { $0.toAbove == upward && $0.time >= start && $0.time <= stop }?.time
      }
      var within: Double?
      if abs(initial - target) <= 0.05 * target {
        within = start
      } else if initial < target {
        within = firstCrossing(of: 0.95 * target, upward: true)
      } else {
        within = firstCrossing(of: 1.05 * target, upward: false)
      }
      // Before the predicted time a step up is still rising and a step down
      // still falling: only what exceeds the target from then on (or over
      // the whole step, going up) is an overshoot.
      var overshoot = 0.0
      if initial <= target {
        overshoot = max(0, whole.maximum.value - target)
      } else if let predicted = step.predictedTargetTime, predicted <= stop {
        overshoot = max(0, curve.extremes(from: predicted, to: stop).maximum.value - target)
      }
      var holdError: Double?
      if let predicted = step.predictedTargetTime, target > 0, predicted <= stop {
        let hold = curve.extremes(from: predicted, to: stop)
        holdError = max(abs(hold.maximum.value - target), abs(hold.minimum.value - target)) / target
      }
      return TargetAttainment(
        step: index, target: target, predictedTimeToTarget: step.predictedTargetTime.map { $0 - start },
        timeToWithin5Percent: within.map { $0 - start }, overshoot: overshoot, holdError: holdError,
        minimum: whole.minimum.value, maximum: whole.maximum.value)
    }
  }
}
