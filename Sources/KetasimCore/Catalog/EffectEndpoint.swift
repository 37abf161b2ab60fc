import Foundation

/// A published concentration-effect relation on its own effect site, read from `Models/effects.yaml`.
///
/// The endpoint's effect-site concentration follows `Ce' = ke0·(Cp − Ce)`; at `Ce = C50` the effect is half
/// its maximum whatever the Hill coefficient, so onset, offset and time above half-maximal effect are exact
/// without one. Concentrations in ng/mL of the drug the relation was estimated for (``basis``).
public struct EffectEndpoint: Sendable {
  /// The id (`dissociation`): the prefix of its CSV columns and summary rows.
  public var id: String
  public var name: String
  /// Whether C50 is an S-ketamine concentration (else racemic).
  public var isSKetamineBasis: Bool
  /// C50 in ng/mL of ``basis``.
  public var c50NanogramsPerMilliliter: Double
  /// C50 as published, with its unit.
  public var publishedC50: String
  /// Equilibration rate constant (1/min).
  public var ke0PerMinute: Double
  /// The Hill coefficient, when published.
  public var gamma: Double?
  /// How a racemic concentration relates to the basis.
  public var racemicNote: String
  public var population: String
  public var source: String
  public var verification: String

  /// C50 (ng/mL) on the concentration scale of a model of `drug`: for a racemic model given an S-ketamine
  /// C50, twice it (the S half is assumed to act, the R half not).
  public func c50(forSKetamineModel sModel: Bool) -> Double {
    isSKetamineBasis && !sModel ? 2 * c50NanogramsPerMilliliter : c50NanogramsPerMilliliter
  }

  /// Reads `Models/effects.yaml`.
  public static func read(yaml text: String, file: String) throws -> [EffectEndpoint] {
    let root = try YAMLNode.parse(text, file: file).mapping(allowing: ["endpoints"])
    return try root.required("endpoints").sequence().map { node in
      let map = try node.mapping(allowing: [
        "id", "name", "basis", "c50", "t_half_ke0_min", "gamma", "racemic", "population", "source", "verification",
      ])
      let basisNode = try map.required("basis")
      let basis = try basisNode.string()
      guard basis == "S-ketamine" || basis == "racemic ketamine" else {
        throw basisNode.failure("expected S-ketamine or racemic ketamine")
      }
      let c50Map = try map.required("c50").mapping(allowing: ["value", "unit", "ci95"])
      let value = try c50Map.required("value").positiveNumber()
      let unitNode = try c50Map.required("unit")
      let unit = try unitNode.string()
      let c50: Double
      switch unit {
      case "ng/mL": c50 = value
      case "nmol/mL": c50 = value * 237.73
      default: throw unitNode.failure("expected ng/mL or nmol/mL")
      }
      let halfLife = try map.required("t_half_ke0_min").mapping(allowing: ["value", "ci95"]).required("value")
        .positiveNumber()
      let gammaNode = try map.required("gamma")
      return EffectEndpoint(
        id: try map.required("id").string(), name: try map.required("name").string(),
        isSKetamineBasis: basis == "S-ketamine", c50NanogramsPerMilliliter: c50, publishedC50: "\(value) \(unit)",
        ke0PerMinute: log(2) / halfLife, gamma: try? gammaNode.positiveNumber(),
        racemicNote: try map.required("racemic").string(), population: try map.required("population").string(),
        source: try map.required("source").string(), verification: try map.required("verification").string())
    }
  }
}
