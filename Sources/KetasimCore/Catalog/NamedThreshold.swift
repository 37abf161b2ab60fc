import Foundation

/// A concentration level the read-out reports against, in ng/mL.
public struct NamedThreshold: Sendable, Equatable {
  /// Lowercase name: letters, digits, `_` or `-` (`analgesia`, `dissociation`, …).
  public var name: String
  /// The level in ng/mL.
  public var nanogramsPerMilliliter: Double

  public init(name: String, nanogramsPerMilliliter: Double) {
    self.name = name
    self.nanogramsPerMilliliter = nanogramsPerMilliliter
  }
}

extension ThresholdSet {
  /// The typical values of this set, in file order.
  public var defaults: [NamedThreshold] {
    thresholds.map { NamedThreshold(name: $0.name, nanogramsPerMilliliter: $0.typicalNanogramsPerMilliliter) }
  }

  /// The defaults changed by overrides of the form `NAME=VALUE` (ng/mL; a new
  /// name is added at the end) or `NAME=off` (the threshold is dropped).
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` for a malformed
  ///   override, a bad name, a value that is not a positive finite number,
  ///   or `NAME=off` for a name that is not a threshold.
  public func applying(overrides: [String]) throws -> [NamedThreshold] {
    var result = defaults
    for override in overrides {
      let parts = override.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      let accepted = "NAME=VALUE in ng/mL (such as dissociation=200) or NAME=off"
      guard parts.count == 2, !parts[0].isEmpty else {
        throw KetasimError.invalidValue("threshold", override, accepted: accepted)
      }
      let name = parts[0].lowercased()
      guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
        throw KetasimError.invalidValue(
          "threshold name", parts[0], accepted: "letters, digits, '_' or '-' (it becomes a CSV column name)")
      }
      if parts[1].lowercased() == "off" {
        // Dropping a name that is neither a reference threshold nor one
        // added before is a typo ('analgesai=off'), not a no-op.
        guard result.contains(where: { $0.name == name }) || thresholds.contains(where: { $0.name == name }) else {
          throw KetasimError.invalidValue(
            "threshold", override,
            accepted: "NAME=off with NAME one of \(result.map(\.name).joined(separator: ", "))")
        }
        result.removeAll { $0.name == name }
        continue
      }
      guard let value = Double(parts[1]), value.isFinite, value > 0 else {
        throw KetasimError.invalidValue("threshold", override, accepted: accepted)
      }
      if let index = result.firstIndex(where: { $0.name == name }) {
        result[index].nanogramsPerMilliliter = value
      } else {
        result.append(NamedThreshold(name: name, nanogramsPerMilliliter: value))
      }
    }
    return result
  }
}
