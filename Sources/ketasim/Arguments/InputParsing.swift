import Foundation
import KetasimCore

/// Turning what the user typed into numbers, with errors that quote the input.
enum InputParsing {
  /// Runs `body`; an invalid-value error about one of `inputs` (by name)
  /// gains that input as its origin and quotes the value as the user typed
  /// it rather than as a parsed number.
  static func quotingInput<T>(_ inputs: [String: String], _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as KetasimError {
      guard case .invalidValue(let what, _, _) = error.problem, let typed = inputs[what], !typed.isEmpty else {
        throw error
      }
      throw error.withValue(typed).placed(at: .input(what))
    }
  }

  /// A finite number, or ``KetasimError/invalidValue(_:_:accepted:remedy:)`` naming `what`.
  static func number(_ text: String, _ what: String, _ accepted: String) throws -> Double {
    guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
      throw KetasimError.invalidValue(what, text, accepted: accepted)
    }
    return value
  }

  /// A finite number greater than zero.
  static func positiveNumber(_ text: String, _ what: String, _ accepted: String) throws -> Double {
    let value = try number(text, what, accepted)
    guard value > 0 else { throw KetasimError.invalidValue(what, text, accepted: accepted) }
    return value
  }

  /// One decimal, without a trailing `.0`; any finite or infinite value.
  static func format(_ value: Double) -> String {
    let text = String(format: "%.1f", value)
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }
}
