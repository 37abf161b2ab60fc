extension StructureTemplate {
  /// Reads a model file's `structure:` section (see ``StructureTemplate``); `parameters` are the names the
  /// file declares, each with its dimension.
  ///
  /// - Throws: ``KetasimError/invalidData(_:reason:remedy:)`` with the location of the offending entry.
  init(yaml node: YAMLNode, parameters: [String: ModelDefinition.Dimension]) throws {
    let section = try node.mapping(allowing: [
      "compartments", "input", "flows", "elimination", "formation", "observations",
    ])
    var names: [String] = []
    var volumes: [String] = []
    func parameter(_ node: YAMLNode, _ dimension: ModelDefinition.Dimension, _ what: String) throws -> String {
      let name = try node.string()
      guard let declared = parameters[name] else {
        throw node.failure("unknown parameter '\(name)'; declare it under parameters:")
      }
      guard declared == dimension else { throw node.failure("\(what) '\(name)' is not a \(dimension)") }
      return name
    }
    for entry in try section.required("compartments").sequence() {
      let map = try entry.mapping(allowing: ["name", "volume"])
      let nameNode = try map.required("name")
      let name = try nameNode.string()
      guard !name.isEmpty, !names.contains(name) else { throw nameNode.failure("expected a new compartment name") }
      names.append(name)
      volumes.append(try parameter(map.required("volume"), .volume, "volume"))
    }
    guard (1...CompartmentStructure.maximumCompartments - 1).contains(names.count) else {
      throw node.failure("expected 1 to \(CompartmentStructure.maximumCompartments - 1) compartments")
    }
    func index(_ node: YAMLNode) throws -> Int {
      let name = try node.string()
      guard let i = names.firstIndex(of: name) else {
        throw node.failure("unknown compartment '\(name)'; expected one of \(names.joined(separator: ", "))")
      }
      return i
    }
    func rate(_ map: YAMLMapping, _ entry: YAMLNode) throws -> Rate {
      switch (map["clearance"], map["rate"]) {
      case (let node?, nil): return .clearance(try parameter(node, .clearance, "clearance"))
      case (nil, let node?): return .rateConstant(try parameter(node, .rateConstant, "rate"))
      default: throw entry.failure("give either clearance: or rate:")
      }
    }
    var flows: [Flow] = []
    for entry in try section["flows"]?.sequence() ?? [] {
      let map = try entry.mapping(allowing: ["from", "to", "clearance", "rate"])
      let from = try index(map.required("from"))
      let to = try index(map.required("to"))
      guard from != to else { throw entry.failure("a flow needs two different compartments") }
      flows.append(Flow(from: from, to: to, rate: try rate(map, entry)))
    }
    var eliminations: [Elimination] = []
    for entry in try section.required("elimination").sequence() {
      let map = try entry.mapping(allowing: ["from", "clearance", "rate"])
      eliminations.append(Elimination(from: try index(map.required("from")), rate: try rate(map, entry)))
    }
    var formations: [Formation] = []
    for entry in try section["formation"]?.sequence() ?? [] {
      let map = try entry.mapping(allowing: ["from", "to", "fraction"])
      let from = try index(map.required("from"))
      let to = try index(map.required("to"))
      guard from != to else { throw entry.failure("formation needs two different compartments") }
      guard !formations.contains(where: { $0.from == from }) else {
        throw entry.failure("one formation entry per parent compartment")
      }
      guard eliminations.contains(where: { $0.from == from }) else {
        throw entry.failure("formation from a compartment without elimination")
      }
      let fractionNode = try map.required("fraction")
      let fraction: Fraction
      if let value = try? fractionNode.number() {
        guard (0...1).contains(value) else { throw fractionNode.failure("expected a fraction from 0 to 1") }
        fraction = .value(value)
      } else {
        fraction = .parameter(try parameter(fractionNode, .fraction, "fraction"))
      }
      formations.append(Formation(from: from, to: to, fraction: fraction))
    }
    var outputs: [Output] = []
    for entry in try section.required("observations").sequence() {
      let map = try entry.mapping(allowing: ["name", "compartment", "unit", "molar_mass_g_per_mol"])
      let nameNode = try map.required("name")
      let name = try nameNode.string()
      guard !name.isEmpty, name != "ce", name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
      else {
        throw nameNode.failure(
          "observation name '\(name)' must be lowercase letters, digits or '_' (a CSV column prefix), not 'ce'")
      }
      let unitNode = try map.required("unit")
      guard let unit = CompartmentStructure.ConcentrationUnit(rawValue: try unitNode.string()) else {
        throw unitNode.failure("expected ng/mL or nmol/mL")
      }
      let molarMass = try map["molar_mass_g_per_mol"]?.positiveNumber()
      if unit == .nanomolesPerMillilitre, molarMass == nil { throw entry.failure("nmol/mL needs molar_mass_g_per_mol") }
      let output = Output(
        name: name, compartment: try index(map.required("compartment")), unit: unit, molarMass: molarMass)
      guard !outputs.contains(where: { $0.name == output.name && $0.unit == output.unit }) else {
        throw entry.failure("observation '\(name)' in \(unit.rawValue) is listed twice")
      }
      outputs.append(output)
    }
    guard let first = outputs.first, first.name == "cp", first.unit == .nanogramsPerMillilitre else {
      throw node.failure(
        "the first observation must be cp in ng/mL (the parent drug in plasma; thresholds apply to it)")
    }
    self.init(
      compartments: names, volumes: volumes, input: try index(section.required("input")), flows: flows,
      eliminations: eliminations, formations: formations, outputs: outputs)
  }
}
