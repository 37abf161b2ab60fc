/// A dose as a clinician writes it, before it is resolved for a patient.
///
/// Grammar (words are case-insensitive; clauses after the quantity may come
/// in any order, each at most once):
///
/// ```
/// spec     = quantity [salt] [over|for DURATION] [at TIME] [every DURATION x COUNT]
/// quantity = NUMBER amount-unit            (a bolus, or a total over a duration)
///          | NUMBER amount-unit/time-unit  (a rate; needs 'for' or 'over')
/// salt     = HCl | base
/// ```
///
/// Amounts: `mg`, `g`, `ug`/`mcg`/`µg`, each optionally per kg (`mg/kg`),
/// or `mL` of a syringe whose strength (mg of base per mL) is given when
/// parsing. Rates: an amount unit, optionally `/kg`, then `/h`, `/min` or
/// `/s` (`mg/kg/h` and `mg/h/kg` are the same; `mL/h` with a syringe).
/// `HCl` after the quantity states the amount as ketamine hydrochloride,
/// converted to base (``KetamineSalt``); `base` is the default. Durations
/// and times: a number and `s`, `min`, `h` or `d` (long forms accepted).
/// `x 6` counts every administration, the first included.
///
/// Examples: `1 mg/kg`, `35 mg at 10 min`, `0.5 mg/kg over 40 min at 30 min`,
/// `0.15 mg/kg/h for 4 h at 30 min`, `41 ug/kg/min for 60 min`,
/// `0.5 mg/kg over 40 min every 48 h x 6`, `50 mg HCl over 40 min`,
/// `12 mL/h for 2 h` (with a syringe).
///
/// The quantity is held in mg (or mg/min) of base: the salt and the syringe
/// are applied when parsing.
public struct DoseSpec: Sendable, Equatable {
  /// What is given: an amount (bolus or total) or a rate.
  public enum Quantity: Sendable, Equatable {
    /// Milligrams, multiplied by body weight when `perKilogram`.
    case amount(milligrams: Double, perKilogram: Bool)
    /// Milligrams per minute, multiplied by body weight when `perKilogram`.
    case rate(milligramsPerMinute: Double, perKilogram: Bool)
  }

  /// The text the spec was parsed from.
  public let text: String
  public let quantity: Quantity
  /// Infusion duration; `nil` for a bolus.
  public let duration: ClockTime?
  /// Time of the (first) administration.
  public internal(set) var start: ClockTime
  /// Repetition interval and total number of administrations.
  public internal(set) var repeats: (interval: ClockTime, count: Int)?

  public static func == (lhs: DoseSpec, rhs: DoseSpec) -> Bool {
    lhs.quantity == rhs.quantity && lhs.duration == rhs.duration && lhs.start == rhs.start
      && lhs.repeats?.interval == rhs.repeats?.interval && lhs.repeats?.count == rhs.repeats?.count
  }

  /// The administrations this spec gives a patient of `weightKilograms`.
  public func doses(forWeight weightKilograms: Double) -> [Dose] {
    let count = repeats?.count ?? 1
    let interval = repeats?.interval ?? .zero
    return (0..<count).map { index in
      let time = start + interval * Int64(index)
      switch quantity {
      case .amount(let mg, let perKilogram):
        let amount = perKilogram ? mg * weightKilograms : mg
        guard let duration else { return .bolus(milligrams: amount, at: time) }
        return .infusion(milligramsPerMinute: amount / duration.minutes, start: time, duration: duration)
      case .rate(let rate, let perKilogram):
        return .infusion(
          milligramsPerMinute: perKilogram ? rate * weightKilograms : rate, start: time, duration: duration!)
      }
    }
  }
}
