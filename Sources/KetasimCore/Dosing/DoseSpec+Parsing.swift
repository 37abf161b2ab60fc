extension DoseSpec {
  /// Parses a dose specification in mg of base, without a syringe (grammar: ``DoseSpec``).
  ///
  /// - Throws: ``KetasimError/invalidDose(_:reason:)`` naming the part that
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
  /// - Throws: ``KetasimError/invalidDose(_:reason:)`` naming the part that
  ///   could not be read and what is accepted there.
  public init(parsing text: String, salt: KetamineSalt, syringeMilligramsPerMilliliter: Double?) throws {
    var scanner = DoseSpecScanner(text)
    func fail(_ reason: String) -> KetasimError { .invalidDose(text, reason: reason) }

    guard let parsed = try scanner.quantity() else {
      throw fail("expected a number and a unit first, such as '0.5 mg/kg' or '2 mg/min'")
    }
    let declared = scanner.salt()
    if declared != nil, parsed.isVolume {
      throw fail("'\(parsed.unit)' takes its strength from the syringe (mg of base per mL); drop the salt word")
    }
    let quantity = try DoseSpecScanner.resolve(
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

/// Splits a dose spec into numbers and words ("0.5mg/kg" reads as 0.5, mg/kg).
struct DoseSpecScanner {
  private let characters: [Character]
  private let text: String
  private var position = 0
  /// The last number read, as written (for messages: '2', not '2.0').
  private(set) var lastNumber = ""

  init(_ text: String) {
    self.text = text
    self.characters = Array(text.lowercased())
  }

  private mutating func skipSpace() {
    while position < characters.count, characters[position].isWhitespace { position += 1 }
  }

  /// The next number (decimal, optional exponent), or nil without moving.
  mutating func number() -> Double? {
    skipSpace()
    var end = position
    var text = ""
    func accept(_ predicate: (Character) -> Bool) {
      while end < characters.count, predicate(characters[end]) {
        text.append(characters[end])
        end += 1
      }
    }
    if end < characters.count, characters[end] == "-" || characters[end] == "+" {
      text.append(characters[end])
      end += 1
    }
    accept { $0.isASCII && $0.isNumber }
    if end < characters.count, characters[end] == "." {
      text.append(".")
      end += 1
      accept { $0.isASCII && $0.isNumber }
    }
    if end < characters.count, characters[end] == "e", end + 1 < characters.count,
      characters[end + 1].isNumber || characters[end + 1] == "-" || characters[end + 1] == "+"
    {
      text.append("e")
      end += 1
      if characters[end] == "-" || characters[end] == "+" {
        text.append(characters[end])
        end += 1
      }
      accept { $0.isASCII && $0.isNumber }
    }
    guard let value = Double(text) else { return nil }
    position = end
    lastNumber = text
    return value
  }

  /// The next word: letters, `/`, `µ` and `×`.
  mutating func word() -> String? {
    skipSpace()
    var end = position
    while end < characters.count, characters[end].isLetter || characters[end] == "/" || characters[end] == "×" {
      end += 1
    }
    guard end > position else { return nil }
    defer { position = end }
    return String(characters[position..<end])
  }

  /// What is left, trimmed, or nil if nothing.
  mutating func remainder() -> String? {
    skipSpace()
    guard position < characters.count else { return nil }
    return String(characters[position...])
  }

  private func fail(_ reason: String) -> KetasimError { .invalidDose(text, reason: reason) }

  /// A quantity as written: mass (mg) or volume (mL), per kg or not, per
  /// minute (a rate) or not; the salt and syringe are applied by
  /// ``resolve(_:salt:syringe:fail:)``.
  struct WrittenQuantity {
    var value: Double
    var unit: String
    var isVolume: Bool
    var perKilogram: Bool
    var isRate: Bool
    /// The number and unit as written, for messages.
    var typed: String
  }

  /// `HCl` or `base` right after the quantity, or nil without moving.
  mutating func salt() -> KetamineSalt? {
    let saved = position
    if let word = word(), let salt = KetamineSalt(named: word) { return salt }
    position = saved
    return nil
  }

  /// The quantity in mg (or mg/min) of base.
  static func resolve(
    _ written: WrittenQuantity, salt: KetamineSalt, syringe: Double?, fail: (String) -> KetasimError
  ) throws -> DoseSpec.Quantity {
    var milligrams = written.value
    if written.isVolume {
      guard let syringe else {
        throw fail(
          "'\(written.unit)' needs the syringe concentration: give --syringe MG_PER_ML (or 'syringe' in a regimen file)"
        )
      }
      guard syringe.isFinite, syringe > 0 else {
        throw fail("the syringe concentration \(syringe) mg/mL is not a positive number")
      }
      milligrams *= syringe
    } else {
      milligrams *= salt.baseFraction
    }
    guard milligrams.isFinite, milligrams <= DoseSpecScanner.largestAmount else {
      throw fail("'\(written.typed)' is too large; expected at most 1e9 mg (or mg/min)")
    }
    if written.isRate { return .rate(milligramsPerMinute: milligrams, perKilogram: written.perKilogram) }
    return .amount(milligrams: milligrams, perKilogram: written.perKilogram)
  }

  /// The leading amount or rate, or nil if the spec does not start with a number.
  mutating func quantity() throws -> WrittenQuantity? {
    guard let value = number() else { return nil }
    guard value.isFinite, value >= 0 else {
      throw fail("the amount \(lastNumber) is negative or not finite; expected zero or more")
    }
    guard let unit = word() else {
      throw fail("'\(lastNumber)' has no unit; expected mg, ug, mg/kg, ug/kg or a rate such as mg/kg/h")
    }
    var parts = unit.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    let first = parts.removeFirst()
    let isVolume = DoseSpecScanner.volumeUnits.contains(first)
    guard let amountFactor = isVolume ? 1 : DoseSpecScanner.amountUnits[first] else {
      throw fail("unknown unit '\(unit)'; " + DoseSpecScanner.acceptedUnits)
    }
    var perKilogram = false
    var perMinute: Double?
    for part in parts {
      if part == "kg", !perKilogram {
        perKilogram = true
      } else if let minutes = DoseSpecScanner.timeUnits[part], perMinute == nil {
        perMinute = 1 / minutes
      } else {
        throw fail("unknown unit '\(unit)'; " + DoseSpecScanner.acceptedUnits)
      }
    }
    let scaled = value * amountFactor * (perMinute ?? 1)
    guard scaled.isFinite, scaled <= DoseSpecScanner.largestAmount else {
      throw fail("'\(lastNumber) \(unit)' is too large; expected at most 1e9 mg (or mg/min)")
    }
    return WrittenQuantity(
      value: scaled, unit: unit, isVolume: isVolume, perKilogram: perKilogram, isRate: perMinute != nil,
      typed: "\(lastNumber) \(unit)")
  }

  /// A number and a time unit, read after the keyword `keyword`.
  mutating func duration(after keyword: String) throws -> ClockTime {
    guard let value = number() else {
      throw fail("'\(keyword)' must be followed by a number and a time unit, such as '40 min'")
    }
    let written = lastNumber
    guard let unit = word() else { throw fail("'\(keyword) \(written)' needs a time unit: s, min, h or d") }
    guard let minutes = DoseSpecScanner.timeUnits[unit] else {
      throw fail("'\(keyword) \(written) \(unit)': '\(unit)' is not a time unit; expected s, min, h or d")
    }
    guard value.isFinite, value >= 0, let time = ClockTime(validatingMinutes: value * minutes),
      time <= ClockTime.limit
    else {
      throw fail("'\(keyword) \(written) \(unit)' is negative or too large; expected a time from 0 up to 100 years")
    }
    return time
  }

  /// Largest amount (mg) or rate (mg/min) accepted: a bound against
  /// overflow, far above any clinical dose (plausibility limits are the
  /// caller's).
  static let largestAmount = 1e9

  /// Milligrams per unit.
  static let amountUnits: [String: Double] = ["mg": 1, "g": 1000, "ug": 0.001, "mcg": 0.001, "µg": 0.001]

  /// Volume units (millilitres of the syringe), lowercased.
  static let volumeUnits: Set<String> = ["ml"]

  /// Minutes per unit.
  static let timeUnits: [String: Double] = [
    "s": 1.0 / 60, "sec": 1.0 / 60, "second": 1.0 / 60, "seconds": 1.0 / 60,
    "min": 1, "mins": 1, "minute": 1, "minutes": 1,
    "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
    "d": 1440, "day": 1440, "days": 1440,
  ]

  static let acceptedUnits =
    "expected an amount (mg, g, ug, mcg, optionally /kg) or a rate (such as mg/h, mg/min, mg/kg/h, ug/kg/min), "
    + "or mL and mL/h with a syringe concentration"
}
