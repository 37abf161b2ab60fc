/// One step of a target-controlled infusion: a concentration to reach and
/// hold, and for how long.
///
/// Steps run one after the other from time zero. Only the last step may be
/// open-ended (``duration`` `nil`): it then lasts until the end of the run.
/// A lower target than the step before is a step down (the pump pauses until
/// the prediction has fallen to it); a target of zero stops the pump.
public struct TargetStep: Sendable, Equatable {
  /// The target concentration (ng/mL) at the chosen site.
  public let nanogramsPerMilliliter: Double
  /// How long the step lasts, or `nil` for "until the end of the run".
  public let duration: ClockTime?

  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` when the target
  ///   is negative or not finite, or the duration is not positive.
  public init(nanogramsPerMilliliter: Double, duration: ClockTime? = nil) throws {
    guard nanogramsPerMilliliter.isFinite, nanogramsPerMilliliter >= 0,
      nanogramsPerMilliliter <= TargetStep.largestTarget
    else {
      throw KetasimError.invalidValue(
        "target", "\(nanogramsPerMilliliter) ng/mL", accepted: "a concentration from 0 to 1e6 ng/mL")
    }
    if let duration, !(duration > .zero && duration <= ClockTime.limit) {
      throw KetasimError.invalidValue(
        "target duration", "\(duration.minutes) min", accepted: "a positive duration up to 100 years")
    }
    self.nanogramsPerMilliliter = nanogramsPerMilliliter
    self.duration = duration
  }

  /// Largest target accepted (ng/mL): a bound on nonsense (1 g/L), not a
  /// clinical limit.
  public static let largestTarget = 1e6
}
