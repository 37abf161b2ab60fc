extension InfusionPump {
  /// Parses a pump's maximum rate, in mg/min.
  ///
  /// Accepted: `1200 mL/h` (also `ml/h`, `mL/min`), which needs the syringe
  /// concentration; `500 mg/h` (also `mg/min`, `g/h`, `ug/min`, ...); a bare
  /// number is mL/h and needs the syringe concentration.
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` quoting `text`.
  public static func maximumRate(parsing text: String, syringeMilligramsPerMilliliter syringe: Double?) throws
    -> Double
  {
    let accepted =
      "a positive rate such as '500 mg/h', or '1200 mL/h' with the syringe concentration; a bare number is mL/h"
    func fail(_ reason: String = accepted, remedy: KetasimError.Remedy? = nil) -> KetasimError {
      .invalidValue("max-rate", text, accepted: reason, remedy: remedy)
    }
    var scanner = QuantityScanner(text)
    guard let value = scanner.number(), value.isFinite, value > 0 else { throw fail() }
    let unit = scanner.word() ?? "ml/h"
    guard scanner.remainder() == nil else { throw fail() }
    let parts = unit.split(separator: "/").map(String.init)
    guard parts.count == 2, let minutes = QuantityScanner.timeUnits[parts[1]] else { throw fail() }
    let perMinute = value / minutes
    if parts[0] == "ml" {
      guard let syringe else {
        throw fail(
          "a rate in mg/h, or a rate in mL/h with the syringe concentration", remedy: .giveSyringe(inRegimen: false))
      }
      return perMinute * syringe
    }
    guard let factor = QuantityScanner.amountUnits[parts[0]] else { throw fail() }
    let rate = perMinute * factor
    guard rate.isFinite, rate <= QuantityScanner.largestAmount else { throw fail() }
    return rate
  }
}
