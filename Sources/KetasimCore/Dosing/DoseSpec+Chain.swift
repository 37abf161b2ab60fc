extension DoseSpec {
  /// Parses a dose spec, or a chain of them joined by `then`.
  ///
  /// Each part of a chain starts when the one before ends: `0.75 mg/kg/h
  /// for 15 min then 0.375 mg/kg/h for 25 min`, `1 mg/kg then 0.5 mg/kg/h
  /// for 2 h` (a bolus takes no time). Only the first part may say `at`; no part may
  /// say `every`.
  ///
  /// - Returns: one spec per part, with its start resolved.
  /// - Throws: ``KetasimError/invalidDose(_:reason:)`` naming the whole
  ///   chain for an `at` or `every` where it is not allowed, and each part's
  ///   own parse error otherwise.
  public static func chain(
    parsing text: String, salt: KetamineSalt = .base, syringeMilligramsPerMilliliter: Double? = nil
  ) throws -> [DoseSpec] {
    let parts = DoseSpec.chainParts(text)
    guard parts.count > 1 else {
      return [try DoseSpec(parsing: text, salt: salt, syringeMilligramsPerMilliliter: syringeMilligramsPerMilliliter)]
    }
    var specs: [DoseSpec] = []
    var next = ClockTime.zero
    for (index, part) in parts.enumerated() {
      var spec = try DoseSpec(parsing: part, salt: salt, syringeMilligramsPerMilliliter: syringeMilligramsPerMilliliter)
      guard spec.repeats == nil else {
        throw KetasimError.invalidDose(
          text, reason: "'every' cannot repeat a chain of rates; give each session in a regimen file instead")
      }
      if index > 0 {
        guard spec.start == .zero else {
          throw KetasimError.invalidDose(
            text, reason: "'\(part)' has its own 'at'; each part after 'then' starts when the one before ends")
        }
        spec.start = next
      }
      next = spec.start + (spec.duration ?? .zero)
      guard next <= ClockTime.limit else {
        throw KetasimError.invalidDose(text, reason: "the chain ends more than 100 years after the start")
      }
      specs.append(spec)
    }
    return specs
  }

  /// `text` split at the word `then` (any case), parts trimmed; empty parts
  /// are kept so that the parser names them.
  static func chainParts(_ text: String) -> [String] {
    var parts: [String] = []
    var current: [Substring] = []
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      if word.lowercased() == "then" {
        parts.append(current.joined(separator: " "))
        current = []
      } else {
        current.append(word)
      }
    }
    parts.append(current.joined(separator: " "))
    return parts
  }
}
