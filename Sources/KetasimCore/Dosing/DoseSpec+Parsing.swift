extension DoseSpec {
  /// Parses a dose specification (grammar: ``DoseSpec``).
  ///
  /// - Throws: ``KetasimError/invalidDose(_:reason:)`` naming the part that
  ///   could not be read and what is accepted there.
  public init(parsing text: String) throws {
    var scanner = DoseSpecScanner(text)
    func fail(_ reason: String) -> KetasimError { .invalidDose(text, reason: reason) }

    guard let quantity = try scanner.quantity() else {
      throw fail("expected a number and a unit first, such as '0.5 mg/kg' or '2 mg/min'")
    }
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
    self.init(text: text, quantity: quantity, duration: duration, start: start ?? .zero, repeats: repeats)
  }
}

/// Splits a dose spec into numbers and words ("0.5mg/kg" reads as 0.5, mg/kg).
struct DoseSpecScanner {
  private let characters: [Character]
  private let text: String
  private var position = 0

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

  /// The leading amount or rate, or nil if the spec does not start with a number.
  mutating func quantity() throws -> DoseSpec.Quantity? {
    guard let value = number() else { return nil }
    guard value.isFinite, value >= 0 else {
      throw fail("the amount \(value) is negative or not finite; expected zero or more")
    }
    guard let unit = word() else {
      throw fail("'\(value)' has no unit; expected mg, ug, mg/kg, ug/kg or a rate such as mg/kg/h")
    }
    var parts = unit.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard let amountFactor = DoseSpecScanner.amountUnits[parts.removeFirst()] else {
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
    let milligrams = value * amountFactor * (perMinute ?? 1)
    guard milligrams.isFinite, milligrams <= DoseSpecScanner.largestAmount else {
      throw fail("'\(value) \(unit)' is too large; expected at most 1e9 mg (or mg/min)")
    }
    if perMinute != nil { return .rate(milligramsPerMinute: milligrams, perKilogram: perKilogram) }
    return .amount(milligrams: milligrams, perKilogram: perKilogram)
  }

  /// A number and a time unit, read after the keyword `keyword`.
  mutating func duration(after keyword: String) throws -> ClockTime {
    guard let value = number() else {
      throw fail("'\(keyword)' must be followed by a number and a time unit, such as '40 min'")
    }
    guard let unit = word(), let minutes = DoseSpecScanner.timeUnits[unit] else {
      throw fail("'\(keyword) \(value)' needs a time unit: s, min, h or d")
    }
    guard value.isFinite, value >= 0, let time = ClockTime(validatingMinutes: value * minutes),
      time <= ClockTime.limit
    else {
      throw fail("'\(keyword) \(value) \(unit)' is negative or too large; expected a time from 0 up to 100 years")
    }
    return time
  }

  /// Largest amount (mg) or rate (mg/min) accepted: a bound against
  /// overflow, far above any clinical dose (plausibility limits are the
  /// caller's).
  static let largestAmount = 1e9

  /// Milligrams per unit.
  static let amountUnits: [String: Double] = ["mg": 1, "g": 1000, "ug": 0.001, "mcg": 0.001, "µg": 0.001]

  /// Minutes per unit.
  static let timeUnits: [String: Double] = [
    "s": 1.0 / 60, "sec": 1.0 / 60, "second": 1.0 / 60, "seconds": 1.0 / 60,
    "min": 1, "mins": 1, "minute": 1, "minutes": 1,
    "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
    "d": 1440, "day": 1440, "days": 1440,
  ]

  static let acceptedUnits =
    "expected an amount (mg, g, ug, mcg, optionally /kg) or a rate (such as mg/h, mg/min, mg/kg/h, ug/kg/min)"
}
