extension TargetStep {
  /// Parses a target step: `CONCENTRATION [for DURATION]`.
  ///
  /// Concentrations take `ng/mL` (= µg/L), `ug/mL` (also `mcg/mL`, `µg/mL`,
  /// `mg/L`; 1 µg/mL = 1000 ng/mL); case is ignored. Durations take `s`,
  /// `min`, `h` or `d`. Examples: `150 ng/mL for 2 h`, `0.1 ug/mL for 30 min`,
  /// `100 ng/mL` (open-ended: until the end of the run).
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` quoting `text`.
  public init(parsing text: String) throws {
    let accepted =
      "CONCENTRATION [for DURATION], such as '150 ng/mL for 2 h' or '0.1 ug/mL' "
      + "(units ng/mL, ug/mL, mg/L; times s, min, h, d)"
    func fail() -> KetasimError { .invalidValue("target", text, accepted: accepted) }
    var scanner = QuantityScanner(text)
    guard let value = scanner.number(), let unit = scanner.word(),
      let factor = TargetStep.concentrationUnits[unit]
    else { throw fail() }
    var duration: ClockTime?
    if let word = scanner.word() {
      guard word == "for" || word == "over" else { throw fail() }
      do {
        duration = try scanner.duration(after: word)
      } catch {
        throw fail()
      }
      guard duration! > .zero else { throw fail() }
    }
    guard scanner.remainder() == nil, value.isFinite, value >= 0 else { throw fail() }
    do {
      try self.init(nanogramsPerMilliliter: value * factor, duration: duration)
    } catch let error as KetasimError {
      throw error.withValue(text)
    }
  }

  /// ng/mL per unit.
  static let concentrationUnits: [String: Double] = [
    "ng/ml": 1, "ug/l": 1, "mcg/l": 1, "µg/l": 1,
    "ug/ml": 1000, "mcg/ml": 1000, "µg/ml": 1000, "mg/l": 1000,
  ]
}
