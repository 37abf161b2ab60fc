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
  public func subject(_ index: Int) throws -> VirtualSubject {
    precondition(index >= 1, "subjects are numbered from 1")
    let patient = try covariates.patient(subject: index, seed: seed)
    let typical = try model.parameters(for: patient, ke0Override: ke0Override)
    let parameters = try typical.scaled(by: variability.factors(seed: seed, subject: index))
    return VirtualSubject(index: index, patient: patient, parameters: parameters)
  }

  /// Whether the subjects have an effect site.
  public var hasEffectSite: Bool { ke0Override != nil || model.effectSite != nil }
}

/// One subject of a virtual population.
public struct VirtualSubject: Sendable {
  /// 1-based subject number.
  public var index: Int
  public var patient: Patient
  /// Individual parameters (L, L/min, 1/min).
  public var parameters: PKParameters
}
