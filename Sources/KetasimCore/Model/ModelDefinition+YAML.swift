extension ModelDefinition {
  /// Reads a model file (format: `Models/README.md`).
  ///
  /// Everything is checked with its location: unknown keys, units that do
  /// not fit a parameter, a mix of micro-constant and clearance forms, a
  /// parameter set that does not match the compartment count, and values
  /// that are not positive finite numbers.
  ///
  /// - Parameters:
  ///   - text: the file's contents.
  ///   - file: the name used in error messages (a path or `Models/ID.yaml`).
  ///   - expectedID: when given, the `id` the file must declare.
  public init(yaml text: String, file: String, expectedID: String? = nil) throws {
    let root = try YAMLNode.parse(text, file: file)
    let map = try root.mapping(allowing: [
      "id", "name", "drug", "compartments", "sampling", "sampling_note", "population", "citation", "doi", "pmid",
      "scaling", "parameters", "covariates", "validity", "iiv", "iiv_correlations", "iiv_note", "ke0", "notes",
      "structure", "residual_error",
      "cautions",
    ])
    let idNode = try map.required("id")
    let id = try idNode.string()
    guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") })
    else { throw idNode.failure("id '\(id)' must be lowercase letters, digits, '-' or '_'") }
    if let expectedID, id != expectedID {
      throw idNode.failure("id '\(id)' does not match the file name '\(expectedID)'")
    }
    let countNode = try map.required("compartments")
    let count = Int(try countNode.number())
    let general = map["structure"] != nil
    guard Double(count) == (try countNode.number()),
      general ? (1..<CompartmentStructure.maximumCompartments).contains(count) : [1, 2, 3].contains(count)
    else {
      throw countNode.failure(
        general ? "expected the number of compartments listed under structure:" : "expected 1, 2 or 3 compartments")
    }
    let samplingNode = try map.required("sampling")
    guard let sampling = SamplingSite(rawValue: try samplingNode.string()) else {
      throw samplingNode.failure("expected arterial, venous or unknown")
    }
    self.id = id
    self.name = try map.required("name").string()
    self.drug = try map.required("drug").string()
    self.compartmentCount = count
    self.sampling = sampling
    self.samplingNote = try map["sampling_note"]?.string() ?? ""
    self.population = try map.required("population").string()
    self.citation = try map.required("citation").string()
    self.doi = try map["doi"]?.string()
    self.pmid = try map["pmid"]?.string()
    self.scalingDescription = try map["scaling"]?.string() ?? ""
    if let structureNode = map["structure"] {
      let parameters = try ModelDefinition.readNamedParameters(try map.required("parameters"))
      let template = try StructureTemplate(
        yaml: structureNode, parameters: Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.dimension) }))
      guard template.compartments.count == count else {
        throw countNode.failure("expected \(template.compartments.count), the number of compartments under structure:")
      }
      let used = template.parameterNames
      if let unused = parameters.first(where: { !used.contains($0.name) }) {
        throw structureNode.failure("parameter '\(unused.name)' is declared but structure: does not use it")
      }
      self.parameters = parameters
      self.structure = template
    } else {
      self.parameters = try ModelDefinition.readParameters(try map.required("parameters"), compartments: count)
      self.structure = nil
    }
    let validity = try map.required("validity").mapping(allowing: ["weight_kg", "age_years"])
    self.weightRange = try ModelDefinition.readRange(try validity.required("weight_kg"))
    self.ageRange = try ModelDefinition.readRange(try validity.required("age_years"))
    self.variability = try ModelDefinition.readVariability(map["iiv"], parameters: parameters)
    self.covariateRelations = try ModelDefinition.readCovariates(map["covariates"], parameters: parameters)
    self.variabilityCorrelations = try ModelDefinition.readCorrelations(
      map["iiv_correlations"], variability: self.variability)
    self.variabilityNote = try map["iiv_note"]?.string()
    self.residualErrors = try ModelDefinition.readResidualErrors(
      map["residual_error"], observations: structure.map { Array(Set($0.outputs.map(\.name))).sorted() } ?? ["cp"])
    self.effectSite = try map["ke0"].map(ModelDefinition.readEffectSite)
    self.notes = try map["notes"]?.sequence().map { try $0.string() } ?? []
    self.cautions = try map["cautions"]?.sequence().map { try $0.string() } ?? []
    self.sourceText = text
  }

  /// Parameter names, their dimension, and the two accepted forms.
  private static let dimensions: [String: Dimension] = [
    "V1": .volume, "V2": .volume, "V3": .volume, "CL": .clearance, "Q2": .clearance, "Q3": .clearance,
    "k10": .rateConstant, "k12": .rateConstant, "k21": .rateConstant, "k13": .rateConstant, "k31": .rateConstant,
  ]

  private static func requiredNames(compartments: Int, micro: Bool) -> [String] {
    if micro {
      return ["V1", "k10", "k12", "k21", "k13", "k31"].prefix(compartments == 1 ? 2 : compartments == 2 ? 4 : 6).map {
        $0
      }
    }
    return ["V1", "CL", "V2", "Q2", "V3", "Q3"].prefix(compartments * 2).map { $0 }
  }

  /// Units accepted for each dimension: factor to L, L/min or 1/min, and
  /// whether the value is per kg of body weight.
  private static let units: [Dimension: [String: (factor: Double, perKilogram: Bool)]] = [
    .volume: ["L": (1, false), "L/kg": (1, true)],
    .clearance: [
      "L/min": (1, false), "L/h": (1.0 / 60, false), "L/min/kg": (1, true), "L/h/kg": (1.0 / 60, true),
      "mL/min/kg": (0.001, true),
    ],
    .rateConstant: ["1/min": (1, false), "1/h": (1.0 / 60, false)],
    .fraction: ["1": (1, false)],
  ]

  /// Parameters of a model with a `structure:` section: any names, each's dimension taken from its unit
  /// (`L`, `L/kg`: volume; `L/min`, `L/h`, per kg: clearance; `1/min`, `1/h`: rate constant; `1`: fraction).
  private static func readNamedParameters(_ node: YAMLNode) throws -> [Parameter] {
    let map = try node.mapping(allowing: nil)
    return try map.order.map { name in
      let nameNode = map[name]!
      guard let first = name.first, first.isLetter,
        name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
      else { throw nameNode.failure("parameter name '\(name)' must be letters, digits or '_', starting with a letter") }
      let unit = try nameNode.mapping(allowing: parameterKeys).required("unit").string()
      guard
        let dimension = [Dimension.volume, .clearance, .rateConstant, .fraction].first(where: {
          units[$0]![unit] != nil
        })
      else {
        throw nameNode.failure(
          "unit '\(unit)' of \(name) is not a volume (L, L/kg), clearance (L/min, L/h, per kg), rate constant "
            + "(1/min, 1/h) or fraction (1)")
      }
      return try readParameter(name, map[name]!, dimension: dimension)
    }
  }

  private static func readParameters(_ node: YAMLNode, compartments: Int) throws -> [Parameter] {
    let map = try node.mapping(allowing: Array(dimensions.keys).sorted())
    let micro = map["k10"] != nil
    let required = requiredNames(compartments: compartments, micro: micro)
    for name in map.order where !required.contains(name) {
      throw map[name]!.failure(
        "parameter '\(name)' does not belong to a \(compartments)-compartment model in "
          + "\(micro ? "micro-constant" : "clearance") form; expected exactly \(required.joined(separator: ", "))")
    }
    for name in required where map[name] == nil {
      throw node.failure("missing parameter '\(name)'; expected exactly \(required.joined(separator: ", "))")
    }
    return try map.order.map { name in try readParameter(name, map[name]!, dimension: dimensions[name]!) }
  }

  private static func readParameter(_ name: String, _ node: YAMLNode, dimension: Dimension) throws -> Parameter {
    let entry = try node.mapping(allowing: parameterKeys)
    let unitNode = try entry.required("unit")
    let unit = try unitNode.string()
    guard let conversion = units[dimension]![unit] else {
      throw unitNode.failure(
        "unit '\(unit)' does not fit \(name); expected one of \(units[dimension]!.keys.sorted().joined(separator: ", "))"
      )
    }
    let value = try entry.required("value").positiveNumber()
    var scaling: WeightScaling = conversion.perKilogram ? .linear : .fixed
    if let allometricNode = entry["allometric"] {
      guard dimension == .volume || dimension == .clearance, !conversion.perKilogram else {
        throw allometricNode.failure(
          "allometric scaling applies only to volumes and clearances given per patient, not per kg or as rate constants"
        )
      }
      let allometric = try allometricNode.mapping(allowing: ["exponent", "reference_weight_kg"])
      scaling = .allometric(
        exponent: try allometric.required("exponent").number(),
        referenceKilograms: try allometric.required("reference_weight_kg").positiveNumber())
    }
    var parameter = Parameter(
      name: name, value: value, unit: unit, dimension: dimension, canonicalValue: value * conversion.factor,
      scaling: scaling, source: try entry.required("source").string(),
      verification: try entry.required("verification").string())
    if let rseNode = entry["rse_percent"] {
      let rse = try rseNode.positiveNumber()
      guard rse < 100 else { throw rseNode.failure("expected a relative standard error below 100 %, found \(rse)") }
      parameter.relativeStandardErrorPercent = rse
    }
    return parameter
  }

  /// The keys of a parameter's entry.
  private static let parameterKeys = ["value", "unit", "allometric", "rse_percent", "source", "verification"]

  private static func readRange(_ node: YAMLNode) throws -> ValidityRange {
    let map = try node.mapping(allowing: ["min", "max", "source"])
    let low = try map.required("min").number()
    let high = try map.required("max").number()
    guard low >= 0, low <= high else { throw node.failure("expected 0 <= min <= max, found \(low)...\(high)") }
    return ValidityRange(minimum: low, maximum: high, source: try map.required("source").string())
  }

  private static func readVariability(_ node: YAMLNode?, parameters: [Parameter]) throws -> [Variability] {
    guard let node else { return [] }
    let map = try node.mapping(allowing: parameters.map(\.name))
    return try map.order.map { name in
      let entry = try map[name]!.mapping(allowing: ["cv_percent", "source", "verification"])
      return Variability(
        parameter: name, coefficientOfVariationPercent: try entry.required("cv_percent").positiveNumber(),
        source: try entry.required("source").string(), verification: try entry["verification"]?.string() ?? "")
    }
  }

  private static func readCovariates(_ node: YAMLNode?, parameters: [Parameter]) throws -> [CovariateRelation] {
    guard let node else { return [] }
    let names = parameters.map(\.name)
    return try node.sequence().map { item in
      let entry = try item.mapping(
        allowing: ["parameter", "covariate", "form", "reference", "coefficient", "level", "source", "verification"])
      let parameterNode = try entry.required("parameter")
      let parameter = try parameterNode.string()
      guard names.contains(parameter) else {
        throw parameterNode.failure(
          "expected one of the model's parameters (\(names.joined(separator: ", "))), found \(parameter)")
      }
      let covariateNode = try entry.required("covariate")
      let covariateName = try covariateNode.string()
      guard let covariate = CovariateRelation.Covariate(name: covariateName) else {
        throw covariateNode.failure(
          "expected age_years, weight_kg, sex or an upper-case covariate name (ASIAN), found \(covariateName)")
      }
      let formNode = try entry.required("form")
      let formName = try formNode.string()
      guard let form = CovariateRelation.Form(rawValue: formName) else {
        throw formNode.failure("expected power, linear, linear_above, categorical or indicator, found \(formName)")
      }
      let isNamed: Bool
      if case .named = covariate { isNamed = true } else { isNamed = false }
      guard (covariate == .sex) == (form == .categorical), form != .indicator || isNamed else {
        throw formNode.failure(
          covariate == .sex
            ? "expected categorical for sex, found \(formName)"
            : "expected \(isNamed ? "indicator, " : "")power, linear or linear_above for \(covariateName), found "
              + formName)
      }
      if form == .indicator {
        return CovariateRelation(
          parameter: parameter, covariate: covariate, form: form, reference: 1,
          coefficient: try entry.required("coefficient").positiveNumber(),
          source: try entry.required("source").string(), verification: try entry["verification"]?.string() ?? "")
      }
      let source = try entry.required("source").string()
      let verification = try entry["verification"]?.string() ?? ""
      guard form == .categorical else {
        return CovariateRelation(
          parameter: parameter, covariate: covariate, form: form,
          reference: try entry.required("reference").positiveNumber(),
          coefficient: try entry.required("coefficient").number(), source: source, verification: verification)
      }
      let levelNode = try entry.required("level")
      let levelName = try levelNode.string()
      guard let level = Sex(rawValue: levelName) else {
        throw levelNode.failure("expected female or male, found \(levelName)")
      }
      return CovariateRelation(
        parameter: parameter, covariate: covariate, form: form, reference: 1,
        coefficient: try entry.required("coefficient").positiveNumber(), level: level, source: source,
        verification: verification)
    }
  }

  private static func readResidualErrors(_ node: YAMLNode?, observations: [String]) throws
    -> [PublishedResidualError]
  {
    guard let node else { return [] }
    var seen: Set<String> = []
    return try node.sequence().map { item in
      let entry = try item.mapping(
        allowing: ["observation", "proportional", "additive_ng_per_ml", "exponential", "source", "verification"])
      let observationNode = try entry.required("observation")
      let observation = try observationNode.string()
      guard observations.contains(observation), seen.insert(observation).inserted else {
        throw observationNode.failure(
          "expected one entry per observation of the model (\(observations.joined(separator: ", "))), found "
            + observation)
      }
      let error = ResidualError(
        additive: try entry["additive_ng_per_ml"]?.positiveNumber() ?? 0,
        proportional: try entry["proportional"]?.positiveNumber() ?? 0,
        exponential: try entry["exponential"]?.positiveNumber() ?? 0)
      guard error.exponential == 0 ? error.additive + error.proportional > 0 : error.additive + error.proportional == 0
      else {
        throw item.failure(
          "expected proportional and/or additive_ng_per_ml, or exponential alone (the SD of a log-normal error)")
      }
      return PublishedResidualError(
        observation: observation, error: error, source: try entry.required("source").string(),
        verification: try entry["verification"]?.string() ?? "")
    }
  }

  private static func readCorrelations(_ node: YAMLNode?, variability: [Variability]) throws -> [Correlation] {
    guard let node else { return [] }
    let names = variability.map(\.parameter)
    return try node.sequence().map { item in
      let entry = try item.mapping(allowing: ["between", "r", "source", "verification"])
      let betweenNode = try entry.required("between")
      let between = try betweenNode.sequence().map { try $0.string() }
      guard between.count == 2, between[0] != between[1], between.allSatisfy(names.contains) else {
        throw betweenNode.failure(
          "expected two different parameters with iiv entries (\(names.joined(separator: ", "))), found \(between)")
      }
      let rNode = try entry.required("r")
      let r = try rNode.number()
      guard r > -1, r < 1 else { throw rNode.failure("expected a correlation between -1 and 1, found \(r)") }
      return Correlation(
        between: (between[0], between[1]), coefficient: r, source: try entry.required("source").string(),
        verification: try entry["verification"]?.string() ?? "")
    }
  }

  private static func readEffectSite(_ node: YAMLNode) throws -> EffectSite {
    let map = try node.mapping(allowing: ["value", "unit", "ci95", "endpoint", "source", "verification"])
    let value = try map.required("value").positiveNumber()
    let unitNode = try map.required("unit")
    let unit = try unitNode.string()
    guard let conversion = units[.rateConstant]![unit] else {
      throw unitNode.failure("unit '\(unit)' does not fit ke0; expected 1/min or 1/h")
    }
    var interval: ClosedRange<Double>?
    if let ciNode = map["ci95"] {
      let bounds = try ciNode.sequence().map { try $0.positiveNumber() }
      guard bounds.count == 2, bounds[0] <= value, value <= bounds[1] else {
        throw ciNode.failure("expected [low, high] around the value \(value)")
      }
      interval = bounds[0]...bounds[1]
    }
    return EffectSite(
      ke0PerMinute: value * conversion.factor, publishedValue: value, publishedUnit: unit,
      confidenceInterval95: interval, endpoint: try map.required("endpoint").string(),
      source: try map.required("source").string(), verification: try map.required("verification").string())
  }
}
