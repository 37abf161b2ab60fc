import Foundation

extension ScenarioRequest {
  /// The scenario of all sources together (see the type's description).
  public func resolve() throws -> Scenario {
    try resolve(try sources())
  }

  /// The scenario of `sources` added together, with `modelOverride` (one
  /// model id or path) in place of ``model``, and `grid` in place of
  /// ``grid(for:)``.
  ///
  /// - Throws: ``KetasimError`` for an unknown model, a patient or a
  ///   schedule outside the plausibility limits, or a bad grid.
  public func resolve(_ sources: [DosingSource], modelOverride: String? = nil, grid: TimeGrid? = nil) throws
    -> Scenario
  {
    guard let first = sources.first else {
      throw KetasimError.invalidValue("dosing", "none", accepted: "a dose, a regimen or an event table")
    }
    let merged = sources.dropFirst().reduce(first.regimen) { $0.adding($1.regimen) }
    let syringe = self.syringe ?? merged.syringeMilligramsPerMilliliter
    let regimen = try merged.changing(
      try changes.map { try RateChange(parsing: $0, syringeMilligramsPerMilliliter: syringe) })
    let subject = try self.subject(
      defaults: SubjectDefaults(
        model: regimen.model, drug: regimen.drug, patient: regimen.patient,
        thresholdOverrides: regimen.thresholdOverrides,
        source: sources.map(\.regimen.name).joined(separator: " + ")),
      modelOverride: modelOverride)
    let schedule = try regimen.schedule(forWeight: subject.patient.weightKilograms)
    try subject.checkPlausible(schedule)
    return Scenario(
      subject: subject, regimen: regimen, grid: try grid ?? self.grid(for: sources),
      syringe: syringe,
      label: ([sources.map(\.regimen.name).joined(separator: " + ")] + changes.map { "change \($0)" })
        .joined(separator: "; "),
      notes: sources.flatMap(\.notes) + subject.notes, schedule: schedule)
  }

  /// Values that apply where the request gives none (from a regimen file or
  /// an event table).
  public struct SubjectDefaults: Sendable {
    public var model: String?
    /// The drug the dosing source names.
    public var drug: Drug?
    public var patient = Regimen.PatientDefaults()
    /// Applied before the request's ``ScenarioRequest/thresholdOverrides``.
    public var thresholdOverrides: [String] = []
    /// Where the defaults come from, for notes.
    public var source = ""

    public init(
      model: String? = nil, drug: Drug? = nil, patient: Regimen.PatientDefaults = Regimen.PatientDefaults(),
      thresholdOverrides: [String] = [], source: String = ""
    ) {
      self.model = model
      self.drug = drug
      self.patient = patient
      self.thresholdOverrides = thresholdOverrides
      self.source = source
    }
  }

  /// Resolves the model, the patient and the thresholds, with `defaults`
  /// where the request gives no value, and `modelOverride` (one id or path)
  /// instead of ``model`` when given.
  public func subject(defaults: SubjectDefaults = SubjectDefaults(), modelOverride: String? = nil) throws
    -> ScenarioSubject
  {
    // Only the parts of the catalogue this subject needs are read (start-up): its model, the thresholds and,
    // with effects, the endpoints.
    var definition = try ModelCatalog.resolveBuiltInOrFile(
      modelOverride ?? model ?? defaults.model ?? Self.defaultModel)
    let (inputFraction, basis) = try Self.doseBasis(
      model: definition, drug: drug ?? defaults.drug ?? .racemic, sFraction: sFraction)
    if let basis { definition.cautions.insert(basis, at: 0) }
    if definition.isSKetamine {
      definition.cautions.append(
        "the reference levels (analgesia, dissociation, anaesthesia, awakening) are racemic ketamine "
          + "concentrations; S-ketamine is about 2-3 times as potent per ng/mL, so \(definition.id)'s S-ketamine "
          + "concentrations above a level do not mean that effect")
    }
    let patient = try Patient(
      weightKilograms: weightKilograms ?? defaults.patient.weightKilograms ?? Self.defaultWeightKilograms,
      ageYears: ageYears ?? defaults.patient.ageYears, sex: sex, covariates: covariates)
    let limits = allowExtreme ? nil : PlausibilityLimits()
    try limits?.check(patient)
    var individual = try definition.individual(for: patient, ke0Override: ke0, inputFraction: inputFraction)
    var endpoints: [ScenarioSubject.Endpoint] = []
    for request in effects {
      let endpoint = try Self.endpoint(
        request, in: try ModelCatalog.builtInEffects(), sModel: definition.isSKetamine, model: definition.id)
      let structure: CompartmentStructure
      switch individual {
      case .mammillary(let parameters): structure = CompartmentStructure(mammillary: parameters)
      case .general(let general): structure = general
      }
      individual = .general(try endpoint.adding(to: structure))
      endpoints.append(endpoint)
      definition.cautions += Self.cautions(for: endpoint, model: definition.id)
    }
    let thresholds = try ModelCatalog.builtInThresholds().applying(
      overrides: defaults.thresholdOverrides + thresholdOverrides)
    var notes: [String] = []
    if weightKilograms != nil, let given = defaults.patient.weightKilograms, given != patient.weightKilograms {
      notes.append(
        "--weight \(Self.short(patient.weightKilograms)) kg replaces the weight of \(defaults.source) "
          + "(\(Self.short(given)) kg)")
    }
    if let drug, let given = defaults.drug, given != drug {
      notes.append("--drug \(drug.rawValue) replaces the drug of \(defaults.source) (\(given.rawValue))")
    }
    if let age = ageYears, let given = defaults.patient.ageYears, given != age {
      notes.append("--age \(Self.short(age)) years replaces the age of \(defaults.source) (\(Self.short(given)) years)")
    }
    return ScenarioSubject(
      definition: definition, patient: patient, individual: individual, ke0Override: ke0,
      inputFraction: inputFraction, endpoints: endpoints,
      thresholds: thresholds, limits: limits, notes: notes)
  }

  /// The part of each dose `model` simulates for `drug`, and the statement every output then carries.
  ///
  /// An S-ketamine model given esketamine takes every dose; given racemic ketamine, only `sFraction` of it
  /// (the S half, an assumption the user must state). A racemic model is not given esketamine.
  static func doseBasis(model: ModelDefinition, drug: Drug, sFraction: Double?) throws -> (Double, String?) {
    if let sFraction {
      guard sFraction.isFinite, sFraction > 0, sFraction <= 1 else {
        throw KetasimError.invalidValue(
          "S fraction", "\(sFraction)", accepted: "a fraction above 0 and at most 1, such as 0.5 for the S half")
      }
      guard model.isSKetamine, drug == .racemic else {
        throw KetasimError.invalidValue(
          "S fraction", "\(sFraction) with \(model.id) and \(drug.rawValue)",
          accepted: "an S fraction only for an S-ketamine model (flint2017, perezruixo2021) given racemic ketamine")
      }
      return (
        sFraction,
        "\(model.id) is an S-ketamine model given a racemic dose: only the S fraction \(sFraction) of every dose "
          + "is simulated (an assumption), and its concentrations are S-ketamine and S-norketamine, not racemic"
      )
    }
    switch (model.isSKetamine, drug) {
    case (true, .esketamine), (false, .racemic): return (1, nil)
    case (true, .racemic):
      throw KetasimError.invalidValue(
        "drug", "racemic ketamine with \(model.id)",
        accepted: "esketamine for an S-ketamine model, or a stated S fraction of the racemic dose",
        remedy: .stateDrug)
    case (false, .esketamine):
      throw KetasimError.invalidValue(
        "drug", "esketamine with \(model.id)",
        accepted: "an S-ketamine model (flint2017, perezruixo2021) for esketamine: \(model.id) is a racemic "
          + "ketamine model")
    }
  }

  /// One decimal, without a trailing `.0`.
  static func short(_ value: Double) -> String {
    let text = String(format: "%.1f", value)
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }
}
