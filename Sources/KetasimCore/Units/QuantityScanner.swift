/// Splits a quantity as people type it into numbers and words ("0.5mg/kg"
/// reads as 0.5, mg/kg), with the tables of the units it knows.
///
/// Dose specs (``DoseSpec``) and durations (``ClockTime``) are read with it.
struct QuantityScanner {
  let characters: [Character]
  /// The text being read, as given.
  let text: String
  /// Index of the next character to read.
  var position = 0
  /// The last number read, as written (for messages: '2', not '2.0').
  private(set) var lastNumber = ""

  init(_ text: String) {
    self.text = text
    self.characters = Array(text.lowercased())
  }

  mutating func skipSpace() {
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
}
