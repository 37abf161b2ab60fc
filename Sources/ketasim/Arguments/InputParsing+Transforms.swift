import KetasimCore

/// `@Option(transform:)` closures: each parses what was typed and throws a
/// ``KetasimError`` quoting it, which `Ketasim.main()` prints as is.
extension InputParsing {
  /// A finite number.
  static func number(_ what: String, _ accepted: String) -> @Sendable (String) throws -> Double {
    { try number($0, what, accepted) }
  }

  /// A finite number greater than zero.
  static func positiveNumber(_ what: String, _ accepted: String) -> @Sendable (String) throws -> Double {
    { try positiveNumber($0, what, accepted) }
  }

  /// A finite number, with the text typed (for library bounds that quote it).
  static func typedNumber(_ what: String, _ accepted: String) -> @Sendable (String) throws -> Typed<Double> {
    { Typed(text: $0, value: try number($0, what, accepted)) }
  }

  /// A duration such as `4 h` or `90` (minutes), with the text typed.
  static func typedDuration(_ what: String) -> @Sendable (String) throws -> Typed<ClockTime> {
    { Typed(text: $0, value: try ClockTime(parsingDuration: $0, what: what)) }
  }

  /// A whole number from 1 to 9e18, commas allowed (`20,000,000`).
  static func count(_ what: String) -> @Sendable (String) throws -> Int {
    { text in
      let value = try number(text.replacingOccurrences(of: ",", with: ""), what, "a positive whole number")
      guard value >= 1, value < 9e18, value == value.rounded() else {
        throw KetasimError.invalidValue(what, text, accepted: "a positive whole number")
      }
      return Int(value)
    }
  }
}
