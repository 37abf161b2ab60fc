/// A virtual population: a model, how covariates and parameters vary, and
/// the seed that fixes every draw.
///
/// Subject `i` (1-based) depends only on `(seed, i)` and this design, never
/// on how many subjects are run, on sharding or on threads (see
/// ``CounterRandom``).
public struct PopulationDesign: Sendable {
  public var model: ModelDefinition
  /// A ke0 (1/min) that sets or overrides the model's effect site.
  public var ke0Override: Double?
  public var variability: BetweenSubjectVariability
  public var covariates: CovariateSpread
  public var seed: UInt64
  /// The part of every dose the model simulates (the S fraction of a racemic dose for an S-ketamine model
  /// with a general structure).
  public var inputFraction: Double = 1

  public init(
    model: ModelDefinition, ke0Override: Double? = nil, variability: BetweenSubjectVariability,
    covariates: CovariateSpread, seed: UInt64
  ) {
    self.model = model
    self.ke0Override = ke0Override
    self.variability = variability
    self.covariates = covariates
    self.seed = seed
  }

  /// Subject `index` (1-based): covariates, then the model's typical
  /// parameters for them, then `P·exp(η)`.
  ///
  /// - Throws: ``KetasimError`` when the drawn parameters are not a valid
  ///   model (for example two peripheral exit rates that coincide).
  ///
  /// For a model with a general structure, each factor multiplies the
  /// parameter of the same name (after weight scaling), `ke0` the effect
  /// site's rate constant.
  public func subject(_ index: Int) throws -> VirtualSubject {
    precondition(index >= 1, "subjects are numbered from 1")
    let patient = try covariates.patient(subject: index, seed: seed)
    let factors = variability.factorList(seed: seed, subject: index)
    guard model.structure != nil else {
      guard inputFraction == 1 else {
        throw KetasimError.invalidValue(
          "S fraction", "\(inputFraction) with \(model.id)",
          accepted: "a population of an S-ketamine model with a structure: section (flint2017, perezruixo2021)")
      }
      let typical = try model.parameters(for: patient, ke0Override: ke0Override)
      let parameters = try typical.scaled { factors[$0] ?? 1 }
      return VirtualSubject(index: index, patient: patient, individual: .mammillary(parameters))
    }
    var values = model.values(for: patient)
    for (k, parameter) in model.parameters.enumerated() {
      if let factor = factors[PopulationParameter(rawValue: parameter.name)] { values[k] *= factor }
    }
    let structure = try model.generalStructure(
      values: values, ke0Override: ke0Override, ke0Factor: factors[.ke0] ?? 1, inputFraction: inputFraction)
    return VirtualSubject(index: index, patient: patient, individual: .general(structure), values: values)
  }

  /// The parameters variability can act on in this model: for a general
  /// structure, every parameter its file declares (and ke0 with an effect
  /// site).
  public func variableParameters(typical: IndividualModel) -> [PopulationParameter] {
    switch typical {
    case .mammillary(let parameters): return PopulationParameter.standard.filter { $0.value(in: parameters) != nil }
    case .general:
      return model.parameters.map { PopulationParameter(rawValue: $0.name) } + (hasEffectSite ? [.ke0] : [])
    }
  }

  /// Whether the subjects have an effect site.
  public var hasEffectSite: Bool { ke0Override != nil || model.effectSite != nil }
}

/// One subject of a virtual population.
public struct VirtualSubject: Sendable {
  /// 1-based subject number.
  public var index: Int
  public var patient: Patient
  /// The individual model: mammillary parameters (L, L/min, 1/min) or a general structure.
  public var individual: IndividualModel
  /// For a general structure, the individual's parameter values in the model file's order; empty otherwise.
  public var values: [Double] = []

  /// The mammillary parameters, or nil for a general structure.
  public var parameters: PKParameters? {
    if case .mammillary(let parameters) = individual { return parameters }
    return nil
  }
}
