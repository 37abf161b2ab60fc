/// What the syringe pump can do: how often its rate may change, how fast it
/// can run, and what is in the syringe.
///
/// Rates are held constant over each ``period`` (the update interval of
/// every TCI pump: 10 s in STANPUMP and most commercial pumps); the
/// controller never asks for more than ``maximumMilligramsPerMinute``.
public struct InfusionPump: Sendable, Equatable {
  /// How often the rate may change.
  public let period: ClockTime
  /// Fastest rate the pump can run (mg/min), or `nil` for no limit.
  public let maximumMilligramsPerMinute: Double?
  /// Drug concentration in the syringe (mg/mL), if known: used to report
  /// rates in mL/h and volumes in mL.
  public let syringeMilligramsPerMilliliter: Double?

  /// The usual TCI update period, 10 s.
  public static let defaultPeriod = ClockTime.seconds(10)

  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` when the period
  ///   is not positive, or the maximum rate or syringe concentration is not
  ///   positive and finite.
  public init(
    period: ClockTime = InfusionPump.defaultPeriod, maximumMilligramsPerMinute: Double? = nil,
    syringeMilligramsPerMilliliter: Double? = nil
  ) throws {
    guard period > .zero, period <= ClockTime.limit else {
      throw KetasimError.invalidValue(
        "period", "\(period.minutes) min", accepted: "a positive update period, such as 10 s")
    }
    if let rate = maximumMilligramsPerMinute, !(rate.isFinite && rate > 0) {
      throw KetasimError.invalidValue(
        "max-rate", "\(rate * 60) mg/h", accepted: "a positive rate, such as '1200 mL/h' or '500 mg/h'")
    }
    if let strength = syringeMilligramsPerMilliliter, !(strength.isFinite && strength > 0) {
      throw KetasimError.invalidValue(
        "syringe", "\(strength)", accepted: "a positive concentration in mg/mL, such as 10")
    }
    self.period = period
    self.maximumMilligramsPerMinute = maximumMilligramsPerMinute
    self.syringeMilligramsPerMilliliter = syringeMilligramsPerMilliliter
  }
}
