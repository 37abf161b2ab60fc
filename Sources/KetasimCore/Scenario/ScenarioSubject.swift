/// The model, the patient and the thresholds of a scenario, resolved.
public struct ScenarioSubject: Sendable {
  public let definition: ModelDefinition
  public let patient: Patient
  /// The model's typical individual for ``patient``: mammillary parameters or a general structure.
  public let individual: IndividualModel
  /// The requested ke0 (1/min), when it sets or overrides the model's.
  public let ke0Override: Double?
  /// The part of every dose the model simulates (the S fraction of a racemic dose for an S-ketamine model).
  public let inputFraction: Double

  /// The effect endpoints asked for, each an effect site of ``individual``.
  public let endpoints: [Endpoint]
  /// The reference concentrations in force, after every override.
  public let thresholds: [NamedThreshold]
  /// The plausibility limits in force, or nil when extreme values are allowed.
  public let limits: PlausibilityLimits?
  /// Defaults of the dosing files that the request replaced, for the user.
  public let notes: [String]

  /// The typical individual's mammillary parameters.
  ///
  /// - Throws: ``KetasimError`` for a model with a general structure (metabolites), which the calling
  ///   command does not support yet.
  public var parameters: PKParameters {
    get throws { try individual.mammillaryParameters(of: definition.id) }
  }

  /// Refuses a schedule far outside clinical use for this patient (see
  /// ``PlausibilityLimits``), unless extreme values are allowed.
  public func checkPlausible(_ schedule: DosingSchedule) throws {
    try limits?.check(schedule, weightKilograms: patient.weightKilograms)
  }

  /// Where the effect-site rate constant came from, for the read-out.
  public var ke0Source: String {
    ke0Override == nil ? "published: \(definition.effectSite?.source ?? "")" : "--ke0 override"
  }
}
