import ArgumentParser
import KetasimCore

/// An option whose value is one of a few words, parsed by `transform:` so
/// that a bad value gets ketasim's message (``KetasimError`` naming the
/// option and the choices) rather than argument-parser's.
protocol ArgumentChoices: ExpressibleByArgument, CaseIterable, Sendable {
  /// The option's name in messages, such as `kernel`.
  static var optionName: String { get }
  /// The choices as the message lists them, such as "auto, tiled, blas or scalar".
  static var acceptedText: String { get }
}

extension ArgumentChoices {
  /// The value `text` names, or ``KetasimError/Problem/invalidValue(_:_:accepted:)``.
  @Sendable static func parse(_ text: String) throws -> Self {
    guard let value = Self(argument: text) else {
      throw KetasimError.invalidValue(optionName, text, accepted: acceptedText)
    }
    return value
  }

  /// `help` followed by the choices and the default, for an option parsed
  /// with ``parse(_:)`` (argument-parser lists them itself only without
  /// `transform:`).
  static func help(_ help: String, default value: Self) -> ArgumentHelp {
    ArgumentHelp(
      "\(help) (values: \(allValueStrings.joined(separator: ", ")); default: \(value.defaultValueDescription))")
  }
}
