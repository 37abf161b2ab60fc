/// A model file's `structure:` section: a general linear compartment structure written in terms of the
/// model's named parameters, so that weight scaling and between-subject variability act on it like on
/// a mammillary model's.
///
/// ```yaml
/// structure:
///   compartments:               # state order; each with the parameter that is its volume
///     - {name: central, volume: V1}
///     - {name: peripheral, volume: V2}
///     - {name: norketamine, volume: VM}
///   input: central              # where boluses and infusions enter
///   flows:                      # first-order: rate = clearance / volume of `from`, or a rate constant
///     - {from: central, to: peripheral, clearance: Q2}
///     - {from: peripheral, to: central, clearance: Q2}
///   elimination:                # out of the system, same two forms
///     - {from: central, clearance: CL}
///     - {from: norketamine, clearance: CLM}
///   formation:                  # this fraction of `from`'s elimination forms `to` (parameter or number)
///     - {from: central, to: norketamine, fraction: FM}
///   observations:               # `cp` (the parent in plasma) is required: thresholds apply to it
///     - {name: cp, compartment: central, unit: ng/mL}
///     - {name: nk, compartment: norketamine, unit: ng/mL}
///     - {name: nk, compartment: norketamine, unit: nmol/mL, molar_mass_g_per_mol: 223.70}
/// ```
///
/// With a published or overriding ke0, an effect site (observation `ce`) is added on the compartment of
/// `cp`, as in ``CompartmentStructure/init(mammillary:)``.
public struct StructureTemplate: Sendable, Equatable {
  /// A rate: a clearance parameter divided by the source compartment's volume, or a rate-constant
  /// parameter.
  public enum Rate: Sendable, Equatable {
    case clearance(String)
    case rateConstant(String)
  }

  /// A formation fraction: a parameter or a number from 0 to 1.
  public enum Fraction: Sendable, Equatable {
    case parameter(String)
    case value(Double)
  }

  public struct Flow: Sendable, Equatable {
    public let from: Int
    public let to: Int
    public let rate: Rate
  }

  public struct Elimination: Sendable, Equatable {
    public let from: Int
    public let rate: Rate
  }

  public struct Formation: Sendable, Equatable {
    public let from: Int
    public let to: Int
    public let fraction: Fraction
  }

  public struct Output: Sendable, Equatable {
    /// The CSV column prefix (`cp`, `nk`, …).
    public let name: String
    public let compartment: Int
    public let unit: CompartmentStructure.ConcentrationUnit
    /// g/mol, for nmol/mL.
    public let molarMass: Double?
  }

  /// Compartment names in state order.
  public let compartments: [String]
  /// The parameter that is each compartment's volume.
  public let volumes: [String]
  public let input: Int
  public let flows: [Flow]
  public let eliminations: [Elimination]
  public let formations: [Formation]
  public let outputs: [Output]

  /// The compartment the parent's plasma concentration (`cp`) reads.
  public var plasmaCompartment: Int { outputs.first { $0.name == "cp" }?.compartment ?? input }

  /// Every parameter name the section uses.
  public var parameterNames: Set<String> {
    var names = Set(volumes)
    for flow in flows { names.insert(Self.name(of: flow.rate)) }
    for elimination in eliminations { names.insert(Self.name(of: elimination.rate)) }
    for formation in formations { if case .parameter(let name) = formation.fraction { names.insert(name) } }
    return names
  }

  static func name(of rate: Rate) -> String {
    switch rate {
    case .clearance(let name), .rateConstant(let name): return name
    }
  }

  /// The structure for parameter `values` (L, L/min, 1/min, fractions) and an optional effect site.
  ///
  /// - Throws: the errors of ``CompartmentStructure/init(compartments:flows:elimination:inputCompartment:observations:)``,
  ///   or ``KetasimError/invalidValue(_:_:accepted:remedy:)`` for a fraction outside 0…1.
  public func structure(values: (String) -> Double, ke0: Double?, inputFraction: Double = 1) throws
    -> CompartmentStructure
  {
    let volume = volumes.map(values)
    func rate(_ rate: Rate, from: Int) -> Double {
      switch rate {
      case .clearance(let name): return values(name) / volume[from]
      case .rateConstant(let name): return values(name)
      }
    }
    var names = compartments
    var flows = self.flows.map {
      CompartmentStructure.Flow(from: $0.from, to: $0.to, rate: rate($0.rate, from: $0.from))
    }
    var elimination = [Double](repeating: 0, count: compartments.count)
    for entry in eliminations { elimination[entry.from] += rate(entry.rate, from: entry.from) }
    for formation in formations {
      let fraction: Double
      switch formation.fraction {
      case .parameter(let name): fraction = values(name)
      case .value(let value): fraction = value
      }
      let split = try CompartmentStructure.formation(
        from: formation.from, to: formation.to, rate: elimination[formation.from], fraction: fraction)
      flows.append(split.flow)
      elimination[formation.from] = split.remainingElimination
    }
    var observations = outputs.map {
      CompartmentStructure.Output(
        name: $0.name, compartment: $0.compartment, volume: volume[$0.compartment], unit: $0.unit,
        molarMass: $0.molarMass)
    }
    if let ke0 {
      let plasma = plasmaCompartment
      names.append("effect site")
      flows.append(.init(from: plasma, to: names.count - 1, rate: ke0, depletesSource: false))
      elimination.append(ke0)
      observations.insert(
        .init(name: "ce", compartment: names.count - 1, volume: volume[plasma], unit: .nanogramsPerMillilitre),
        at: 1)
    }
    return try CompartmentStructure(
      compartments: names, flows: flows, elimination: elimination, inputCompartment: input,
      observations: observations, inputFraction: inputFraction)
  }
}
