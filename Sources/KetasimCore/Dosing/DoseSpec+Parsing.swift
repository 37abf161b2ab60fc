extension DoseSpec {
  /// Parses a dose specification in mg of base, without a syringe (grammar: ``DoseSpec``).
  ///
  /// - Throws: ``KetasimError/invalidDose(_:reason:remedy:)`` naming the part that
  ///   could not be read and what is accepted there.
  public init(parsing text: String) throws {
    try self.init(parsing: text, salt: .base, syringeMilligramsPerMilliliter: nil)
  }

  /// Parses a dose specification (grammar: ``DoseSpec``).
  ///
  /// - Parameters:
  ///   - salt: the form amounts are stated in when the spec does not say
  ///     (`HCl` or `base` after the unit); hydrochloride amounts are
  ///     converted to base (see ``KetamineSalt``).
  ///   - syringeMilligramsPerMilliliter: the syringe strength (mg of base
  ///     per mL) that turns `mL` and `mL/h` into mg and mg/h; a spec in mL
  ///     without it is rejected.
  /// - Throws: ``KetasimError/invalidDose(_:reason:remedy:)`` naming the part that
  ///   could not be read and what is accepted there.
  public init(parsing text: String, salt: KetamineSalt, syringeMilligramsPerMilliliter: Double?) throws {
    var scanner = QuantityScanner(text)
    func fail(_ reason: String) -> KetasimError { .invalidDose(text, reason: reason) }

    guard let parsed = try scanner.quantity() else {
      throw fail("expected a number and a unit first, such as '0.5 mg/kg' or '2 mg/min'")
    }
    let declared = scanner.salt()
    if declared != nil, parsed.isVolume {
      throw fail("'\(parsed.unit)' takes its strength from the syringe (mg of base per mL); drop the salt word")
    }
    let quantity = try QuantityScanner.resolve(
      parsed, salt: declared ?? salt, syringe: syringeMilligramsPerMilliliter, fail: fail)
    var duration: ClockTime?
    var start: ClockTime?
    var repeats: (interval: ClockTime, count: Int)?
    while let word = scanner.word() {
      switch word {
      case "over", "for":
        guard duration == nil else { throw fail("the duration is given twice") }
        duration = try scanner.duration(after: word)
        guard duration! > .zero else { throw fail("'\(word)' needs a positive duration") }
      case "at":
        guard start == nil else { throw fail("the start time is given twice") }
        start = try scanner.duration(after: word)
      case "every":
        guard repeats == nil else { throw fail("'every' is given twice") }
        let interval = try scanner.duration(after: word)
        guard interval > .zero else { throw fail("'every' needs a positive interval") }
        guard let times = scanner.word(), times == "x" || times == "×" || times == "times" else {
          throw fail("'every \(interval.minutes) min' must be followed by 'x COUNT', such as 'x 6'")
        }
        guard let count = scanner.number(), count >= 1, count <= 100_000, count == count.rounded() else {
          throw fail("expected a whole number of administrations from 1 to 100000 after 'x'")
        }
        repeats = (interval, Int(count))
      default:
        throw fail("unexpected '\(word)'; expected 'over', 'for', 'at' or 'every'")
      }
    }
    if let rest = scanner.remainder() {
      throw fail("unexpected '\(rest)'; expected 'over', 'for', 'at' or 'every'")
    }
    if case .rate = quantity, duration == nil {
      throw fail("a rate needs a duration, such as 'for 4 h'")
    }
    if let repeats, !ClockTime.fits(start ?? .zero, repeats.interval, times: repeats.count - 1) {
      throw fail(
        "'every' with 'x \(repeats.count)' runs past 100 years; expected the last administration within 100 years")
    }
    self.init(text: text, quantity: quantity, duration: duration, start: start ?? .zero, repeats: repeats)
  }
}
