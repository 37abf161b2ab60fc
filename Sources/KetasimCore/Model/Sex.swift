/// A patient's sex, as a model's categorical covariate relation uses it (see ``CovariateRelation``).
public enum Sex: String, Sendable, CaseIterable {
  case female
  case male

  /// Reads `female`, `male`, `F` or `M` (any case).
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` for anything else.
  public init(parsing text: String) throws {
    switch text.trimmingCharacters(in: .whitespaces).lowercased() {
    case "female", "f": self = .female
    case "male", "m": self = .male
    default: throw KetasimError.invalidValue("sex", text, accepted: "female or male (F or M)")
    }
  }
}
