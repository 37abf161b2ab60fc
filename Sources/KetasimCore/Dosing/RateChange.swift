/// A change to the infusions running at one moment, as a nurse makes it at
/// the pump: `at 20 min to 0.3 mg/kg/h`, `at 25 min stop`.
///
/// Grammar (case-insensitive):
///
/// ```
/// change = [change] at TIME (to RATE [for DURATION] | stop)
/// ```
///
/// At `TIME` every infusion that is running (started before and ending
/// after it) is cut there. With `to RATE` one infusion at `RATE` (a rate such
/// as `0.3 mg/kg/h`, `12 mg/h` or `6 mL/h` with a syringe) replaces them,
/// until the latest of their planned ends, or for `DURATION` when given (then
/// nothing need be running). Boluses and infusions that start at or after
/// `TIME` are not touched: a change lowers or stops the drip, it does not
/// cancel what is planned later.
public struct RateChange: Sendable, Equatable {
  /// The text it was parsed from.
  public let text: String
  /// When the pump is changed.
  public let time: ClockTime
  /// The new rate (mg/min of base, per kg when `perKilogram`), or nil to stop.
  public let rate: (milligramsPerMinute: Double, perKilogram: Bool)?
  /// How long the new rate runs; nil: until the replaced infusions would have ended.
  public let duration: ClockTime?

  public static func == (lhs: RateChange, rhs: RateChange) -> Bool {
    lhs.time == rhs.time && lhs.rate?.milligramsPerMinute == rhs.rate?.milligramsPerMinute
      && lhs.rate?.perKilogram == rhs.rate?.perKilogram && lhs.duration == rhs.duration
  }

  /// Parses a change (see the type's grammar).
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:)`` naming the text.
  public init(parsing text: String, salt: KetamineSalt = .base, syringeMilligramsPerMilliliter: Double? = nil) throws {
    let accepted =
      "'at TIME to RATE [for DURATION]' or 'at TIME stop', such as 'at 20 min to 0.3 mg/kg/h' or 'at 25 min stop'"
    func fail(_ reason: String? = nil) -> KetasimError {
      .invalidValue("change", text, accepted: reason.map { "\($0); \(accepted)" } ?? accepted)
    }
    var scanner = QuantityScanner(text)
    var word = scanner.word()
    if word == "change" { word = scanner.word() }
    guard word == "at" else { throw fail() }
    do {
      time = try scanner.duration(after: "at")
      switch scanner.word() {
      case "stop":
        rate = nil
        duration = nil
      case "to":
        guard let written = try scanner.quantity(), written.isRate else {
          throw fail("'to' needs a rate, such as 0.3 mg/kg/h or 12 mg/h")
        }
        let quantity = try QuantityScanner.resolve(
          written, salt: scanner.salt() ?? salt, syringe: syringeMilligramsPerMilliliter,
          fail: { .invalidValue("change", text, accepted: $0) })
        guard case .rate(let perMinute, let perKilogram) = quantity else { throw fail() }
        rate = (perMinute, perKilogram)
        let saved = scanner.position
        if scanner.word() == "for" {
          duration = try scanner.duration(after: "for")
        } else {
          scanner.position = saved
          duration = nil
        }
      default:
        throw fail()
      }
    } catch let error as KetasimError {
      guard case .invalidDose(_, let reason) = error.problem else { throw error }
      throw fail(reason)
    }
    guard scanner.remainder() == nil else { throw fail() }
    self.text = text
  }

  /// Checks that a change to a new rate without a duration has an infusion
  /// of `doses` running at its time to take over from.
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:)`` when it has none.
  public func check(against doses: [Dose]) throws {
    guard rate != nil, duration == nil else { return }
    guard doses.contains(where: { $0.start < time && $0.end > time && $0.start != $0.end }) else {
      throw KetasimError.invalidValue(
        "change", text,
        accepted: "an infusion running at \(time) to change, or 'for DURATION' to start a new rate there")
    }
  }

  /// `doses` for a patient of `weightKilograms` with this change made (a
  /// change with nothing to take over from and no duration only stops).
  public func apply(to doses: [Dose], weightKilograms: Double) -> [Dose] {
    var result: [Dose] = []
    var plannedEnd: ClockTime?
    for dose in doses {
      if case .infusion(let perMinute, let start, _) = dose, start < time, dose.end > time {
        result.append(.infusion(milligramsPerMinute: perMinute, start: start, duration: time - start))
        plannedEnd = max(plannedEnd ?? dose.end, dose.end)
      } else {
        result.append(dose)
      }
    }
    guard let rate, let end = duration.map({ time + $0 }) ?? plannedEnd else { return result }
    let perMinute = rate.perKilogram ? rate.milligramsPerMinute * weightKilograms : rate.milligramsPerMinute
    if perMinute > 0 { result.append(.infusion(milligramsPerMinute: perMinute, start: time, duration: end - time)) }
    return result
  }
}
