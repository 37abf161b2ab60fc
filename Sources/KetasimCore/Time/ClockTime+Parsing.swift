extension ClockTime {
  /// Parses a duration such as `4 h`, `240 min`, `10 s`, `1.5h` or a bare
  /// number of minutes (`240`).
  ///
  /// - Parameter what: the name used in the error (`duration`, `step`, …).
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` for anything
  ///   else, including negative, non-finite or out-of-range values.
  public init(parsingDuration text: String, what: String) throws {
    let accepted = "a number with s, min, h or d (such as 4 h, 10 s); a bare number means minutes"
    var scanner = QuantityScanner(text)
    guard let value = scanner.number() else { throw KetasimError.invalidValue(what, text, accepted: accepted) }
    var minutes = 1.0
    if let unit = scanner.word() {
      guard let factor = QuantityScanner.timeUnits[unit] else {
        throw KetasimError.invalidValue(what, text, accepted: accepted)
      }
      minutes = factor
    }
    guard scanner.remainder() == nil else { throw KetasimError.invalidValue(what, text, accepted: accepted) }
    guard value.isFinite, value >= 0, let time = ClockTime(validatingMinutes: value * minutes) else {
      throw KetasimError.invalidValue(what, text, accepted: "a time from 0 up to 100 years")
    }
    self = time
  }
}
