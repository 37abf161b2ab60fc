/// The chemical form a ketamine amount is stated in.
///
/// ketasim simulates ketamine base. Vials of Ketalar are labelled as base
/// (10 mg base = 11.53 mg ketamine hydrochloride), but some charts and
/// studies dose the hydrochloride salt; such amounts are converted to base by
/// the ratio of the molar masses,
///
/// ```
/// base = HCl × M(C13H16ClNO) / M(C13H16ClNO·HCl) = HCl × 237.73 / 274.19
/// ```
///
/// i.e. divided by 1.1534 (the label rounds this to 1.153).
public enum KetamineSalt: String, Sendable, Equatable, CaseIterable {
  /// Ketamine base, C13H16ClNO: taken as is.
  case base
  /// Ketamine hydrochloride, C13H16ClNO·HCl: converted to base.
  case hydrochloride = "hcl"

  /// Molar mass of ketamine base (g/mol).
  public static let baseMolarMass = 237.73
  /// Molar mass of ketamine hydrochloride (g/mol): base plus HCl (36.46).
  public static let hydrochlorideMolarMass = 274.19

  /// Milligrams of base in one milligram stated in this form.
  public var baseFraction: Double {
    switch self {
    case .base: return 1
    case .hydrochloride: return KetamineSalt.baseMolarMass / KetamineSalt.hydrochlorideMolarMass
    }
  }

  /// The form named by `text` (`base`, `hcl`, `HCl`, `hydrochloride`;
  /// case-insensitive), or nil.
  public init?(named text: String) {
    switch text.lowercased() {
    case "base": self = .base
    case "hcl", "hydrochloride": self = .hydrochloride
    default: return nil
    }
  }
}
