import Foundation

extension EffectEndpoint {
  /// Reads `Models/effects.yaml`.
  ///
  /// - Throws: ``KetasimError`` with file, line and column for a missing or malformed entry.
  public static func read(yaml text: String, file: String) throws -> [EffectEndpoint] {
    let root = try YAMLNode.parse(text, file: file).mapping(allowing: ["endpoints"])
    return try root.required("endpoints").sequence().map(read(entry:))
  }

  private static func read(entry node: YAMLNode) throws -> EffectEndpoint {
    let map = try node.mapping(allowing: [
      "id", "name", "basis", "site", "plasma_note", "c50", "t_half_ke0_min", "ke0_per_min", "link",
      "studied_range_ng_per_ml",
      "unverified", "racemic", "population", "source", "verification",
    ])
    let basisNode = try map.required("basis")
    let basis = try basisNode.string()
    guard basis == "S-ketamine" || basis == "racemic ketamine" else {
      throw basisNode.failure("expected S-ketamine or racemic ketamine")
    }
    var endpoint = EffectEndpoint(
      id: try map.required("id").string(), name: try map.required("name").string(),
      isSKetamineBasis: basis == "S-ketamine", racemicNote: try map.required("racemic").string(),
      population: try map.required("population").string(), source: try map.required("source").string(),
      verification: try map.required("verification").string())
    if let c50Node = map["c50"] {
      let c50Map = try c50Node.mapping(allowing: ["value", "unit", "ci95"])
      let value = try c50Map.required("value").positiveNumber()
      let unitNode = try c50Map.required("unit")
      let unit = try unitNode.string()
      switch unit {
      case "ng/mL": endpoint.c50NanogramsPerMilliliter = value
      case "nmol/mL": endpoint.c50NanogramsPerMilliliter = value * KetamineSalt.baseMolarMass
      default: throw unitNode.failure("expected ng/mL or nmol/mL")
      }
      endpoint.publishedC50 = "\(value) \(unit)"
    }
    let siteNode = try map.required("site")
    switch try siteNode.string() {
    case "effect":
      // As published: a half-time or the rate constant itself.
      if let ke0 = map["ke0_per_min"] {
        guard map["t_half_ke0_min"] == nil else {
          throw siteNode.failure("give t_half_ke0_min or ke0_per_min, not both")
        }
        endpoint.ke0PerMinute = try ke0.mapping(allowing: ["value", "ci95"]).required("value").positiveNumber()
      } else {
        let halfLife = try map.required("t_half_ke0_min").mapping(allowing: ["value", "ci95"]).required("value")
        endpoint.ke0PerMinute = log(2) / (try halfLife.positiveNumber())
      }
    case "plasma":
      endpoint.plasmaNote = try map.required("plasma_note").string()
    default:
      throw siteNode.failure("expected effect (with t_half_ke0_min or ke0_per_min) or plasma (with plasma_note)")
    }
    if let linkNode = map["link"] {
      try endpoint.readLink(linkNode)
    }
    if let rangeNode = map["studied_range_ng_per_ml"] {
      let bounds = try rangeNode.sequence().map { try $0.positiveNumber() }
      guard bounds.count == 2, bounds[0] < bounds[1] else { throw rangeNode.failure("expected [low, high] in ng/mL") }
      endpoint.studiedRange = bounds[0]...bounds[1]
    }
    endpoint.unverified = try map["unverified"]?.string()
    guard endpoint.c50NanogramsPerMilliliter != nil || endpoint.link != nil else {
      throw node.failure("endpoint \(endpoint.id) needs a c50 or a link")
    }
    return endpoint
  }

  private mutating func readLink(_ node: YAMLNode) throws {
    let map = try node.mapping(allowing: [
      "form", "e0", "emax", "gamma", "concentration_ng_per_ml", "effect", "unit", "column",
    ])
    let formNode = try map.required("form")
    switch try formNode.string() {
    case "sigmoid_emax":
      guard c50NanogramsPerMilliliter != nil else { throw formNode.failure("a sigmoid_emax link needs the c50") }
      link = .sigmoidEmax(
        baseline: try map.required("e0").number(), maximum: try map.required("emax").number(),
        gamma: try map.required("gamma").positiveNumber())
    case "linear":
      let concentration = try map.required("concentration_ng_per_ml").positiveNumber()
      let effectNode = try map.required("effect")
      let effects = try effectNode.sequence().map { try $0.positiveNumber() }
      guard effects.count == 2, effects[0] <= effects[1] else {
        throw effectNode.failure("expected [low, high]: the effect range at concentration_ng_per_ml")
      }
      link = .linear(slopes: (effects[0] / concentration)...(effects[1] / concentration))
    default:
      throw formNode.failure("expected sigmoid_emax or linear")
    }
    effectUnit = try map.required("unit").string()
    let columnNode = try map.required("column")
    let column = try columnNode.string()
    guard !column.isEmpty, column.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
      throw columnNode.failure("expected a column suffix of letters, digits and _")
    }
    effectColumnSuffix = column
  }
}
