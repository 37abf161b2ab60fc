extension CompartmentStructure {
  /// Reads a structure file: a mapping with `id`, `name`, optional `notes`, and a `structure:` section.
  ///
  /// ```yaml
  /// structure:
  ///   compartments: [central, peripheral, metabolite]
  ///   input: central
  ///   flows:            # first-order, rate constants in 1/min
  ///     - {from: central, to: peripheral, rate_per_min: 0.075}
  ///   elimination:      # out of the system, 1/min
  ///     - {from: central, rate_per_min: 0.06}
  ///   formation:        # a fraction of a compartment's elimination forms a metabolite
  ///     - {from: central, to: metabolite, fraction: 0.8}
  ///   observations:
  ///     - {name: metabolite, compartment: metabolite, volume_l: 30, unit: nmol/mL, molar_mass_g_per_mol: 223.7}
  /// ```
  ///
  /// A formation entry takes `fraction` of the elimination rate listed for `from`: that part becomes a flow to
  /// `to`, the rest stays elimination. Catalogue model files have no `structure:` section; their structure is
  /// the mammillary one of ``init(mammillary:)``.
  ///
  /// - Throws: ``KetasimError/invalidData(_:reason:remedy:)`` with the location of the offending entry, or the
  ///   errors of ``init(compartments:flows:elimination:inputCompartment:observations:)``.
  public init(yaml text: String, file: String) throws {
    let root = try YAMLNode.parse(text, file: file).mapping(allowing: ["id", "name", "notes", "structure"])
    _ = try root.required("id").string()
    _ = try root.required("name").string()
    let section = try root.required("structure").mapping(allowing: [
      "compartments", "input", "flows", "elimination", "formation", "observations",
    ])
    let names = try section.required("compartments").sequence().map { try $0.string() }
    func index(_ node: YAMLNode) throws -> Int {
      let name = try node.string()
      guard let i = names.firstIndex(of: name) else {
        throw node.failure("unknown compartment '\(name)'; expected one of \(names.joined(separator: ", "))")
      }
      return i
    }
    func rate(_ node: YAMLNode) throws -> Double {
      let value = try node.number()
      guard value >= 0 else { throw node.failure("expected a rate constant ≥ 0 in 1/min, found \(value)") }
      return value
    }
    var flows: [Flow] = []
    for entry in try section["flows"]?.sequence() ?? [] {
      let map = try entry.mapping(allowing: ["from", "to", "rate_per_min"])
      let from = try index(map.required("from"))
      let to = try index(map.required("to"))
      guard from != to else { throw entry.failure("a flow needs two different compartments") }
      flows.append(Flow(from: from, to: to, rate: try rate(map.required("rate_per_min"))))
    }
    var elimination = [Double](repeating: 0, count: names.count)
    for entry in try section["elimination"]?.sequence() ?? [] {
      let map = try entry.mapping(allowing: ["from", "rate_per_min"])
      elimination[try index(map.required("from"))] += try rate(map.required("rate_per_min"))
    }
    var formed = Set<Int>()
    for entry in try section["formation"]?.sequence() ?? [] {
      let map = try entry.mapping(allowing: ["from", "to", "fraction"])
      let from = try index(map.required("from"))
      let to = try index(map.required("to"))
      guard from != to else { throw entry.failure("formation needs two different compartments") }
      guard formed.insert(from).inserted else { throw entry.failure("one formation entry per parent compartment") }
      let fractionNode = try map.required("fraction")
      let fraction = try fractionNode.number()
      guard (0...1).contains(fraction) else { throw fractionNode.failure("expected a fraction from 0 to 1") }
      guard elimination[from] > 0 else { throw entry.failure("formation from a compartment without elimination") }
      let split = try CompartmentStructure.formation(from: from, to: to, rate: elimination[from], fraction: fraction)
      flows.append(split.flow)
      elimination[from] = split.remainingElimination
    }
    var observations: [Output] = []
    for entry in try section.required("observations").sequence() {
      let map = try entry.mapping(allowing: ["name", "compartment", "volume_l", "unit", "molar_mass_g_per_mol"])
      let unitNode = try map.required("unit")
      guard let unit = ConcentrationUnit(rawValue: try unitNode.string()) else {
        throw unitNode.failure("expected ng/mL or nmol/mL")
      }
      let molarMass = try map["molar_mass_g_per_mol"]?.positiveNumber()
      if unit == .nanomolesPerMillilitre, molarMass == nil {
        throw entry.failure("nmol/mL needs molar_mass_g_per_mol")
      }
      observations.append(
        Output(
          name: try map.required("name").string(), compartment: try index(map.required("compartment")),
          volume: try map.required("volume_l").positiveNumber(), unit: unit, molarMass: molarMass))
    }
    try self.init(
      compartments: names, flows: flows, elimination: elimination,
      inputCompartment: try index(section.required("input")), observations: observations)
  }
}
