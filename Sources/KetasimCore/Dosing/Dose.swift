/// One administration into the central compartment, in absolute units.
///
/// Amounts are milligrams of ketamine base, rates milligrams per minute, and
/// times ``ClockTime``s from the start of the run. Weight-based and other
/// clinical units are resolved before this point (see ``DoseSpec``).
public enum Dose: Sendable, Equatable {
  /// An instantaneous injection of `milligrams` at `time`.
  case bolus(milligrams: Double, at: ClockTime)
  /// A zero-order infusion of `milligramsPerMinute` from `start` for `duration`.
  case infusion(milligramsPerMinute: Double, start: ClockTime, duration: ClockTime)

  /// When the administration starts.
  public var start: ClockTime {
    switch self {
    case .bolus(_, let time): return time
    case .infusion(_, let start, _): return start
    }
  }

  /// When the administration ends (equal to ``start`` for a bolus).
  public var end: ClockTime {
    switch self {
    case .bolus(_, let time): return time
    case .infusion(_, let start, let duration): return start + duration
    }
  }

  /// Total amount given, in mg.
  public var milligrams: Double {
    switch self {
    case .bolus(let amount, _): return amount
    case .infusion(let rate, _, let duration): return rate * duration.minutes
    }
  }

  /// The same administration moved by `offset`.
  public func shifted(by offset: ClockTime) -> Dose {
    switch self {
    case .bolus(let amount, let time): return .bolus(milligrams: amount, at: time + offset)
    case .infusion(let rate, let start, let duration):
      return .infusion(milligramsPerMinute: rate, start: start + offset, duration: duration)
    }
  }

  /// Checks that amounts and rates are finite and not negative, durations
  /// positive and times not before the start of the run.
  public func validated() throws -> Dose {
    switch self {
    case .bolus(let amount, let time):
      guard amount.isFinite, amount >= 0 else {
        throw KetasimError.invalidValue("bolus amount", "\(amount) mg", accepted: "a finite amount of zero or more")
      }
      guard time >= .zero, time <= ClockTime.limit else {
        throw KetasimError.invalidValue("dose time", "\(time.minutes) min", accepted: "a time from 0 up to 100 years")
      }
    case .infusion(let rate, let start, let duration):
      guard rate.isFinite, rate >= 0 else {
        throw KetasimError.invalidValue("infusion rate", "\(rate) mg/min", accepted: "a finite rate of zero or more")
      }
      guard duration > .zero, duration <= ClockTime.limit else {
        throw KetasimError.invalidValue(
          "infusion duration", "\(duration.minutes) min", accepted: "a positive duration up to 100 years")
      }
      guard start >= .zero, start <= ClockTime.limit else {
        throw KetasimError.invalidValue("dose time", "\(start.minutes) min", accepted: "a time from 0 up to 100 years")
      }
    }
    return self
  }
}
