import ArgumentParser
import KetasimCore

/// The model, the patient and the thresholds: shared by every command that
/// simulates (`simulate`, `population`, `tci`, `compare`).
///
/// `--model` and `--weight` are optional so that a regimen file's patient
/// and model can serve as defaults; ``resolve()`` applies the built-in
/// defaults (clements250, 70 kg) where neither the user nor a regimen says.
struct SubjectOptions: ParsableArguments {
  /// The model used when neither the user nor a regimen names one.
  static let defaultModel = ModelCatalog.defaultModelID
  /// The body weight (kg) used when neither the user nor a regimen gives one.
  static let defaultWeight = "70"

  @Option(
    help: "Catalogue model id (see 'ketasim models') or a model file path. Default: the regimen's, else clements250.")
  var model: String?

  @Option(parsing: .unconditional, help: "Total body weight in kg. Default: the regimen's patient, else 70.")
  var weight: String?

  @Option(parsing: .unconditional, help: "Age in years (checked against the model's validity range).")
  var age: String?

  @Option(
    parsing: .unconditional, help: "Effect-site rate constant ke0 in 1/min; overrides the model's published value.")
  var ke0: String?

  @Flag(
    name: .customLong("allow-extreme"),
    help: "Simulate weights, ages, doses and rates far outside clinical use instead of refusing them.")
  var allowExtreme = false

  @Option(
    name: .customLong("threshold"), parsing: .unconditionalSingleValue,
    help: "NAME=VALUE (ng/mL) to override or add a threshold, NAME=off to drop one; repeatable.")
  var thresholdOverrides: [String] = []

  /// Values that apply where the user gave no option (from a regimen file).
  struct Defaults {
    var model: String?
    var patient = Regimen.PatientDefaults()
    /// Applied before the user's `--threshold` overrides.
    var thresholdOverrides: [String] = []
    /// Where the defaults come from, for notes.
    var source = ""
  }

  /// What the options resolve to.
  struct Resolved {
    var catalog: ModelCatalog
    var definition: ModelDefinition
    var patient: Patient
    /// The model's typical-individual parameters for `patient`.
    var parameters: PKParameters
    var ke0Override: Double?
    var thresholds: [NamedThreshold]
    /// The plausibility limits in force, or nil with `--allow-extreme`.
    var limits: PlausibilityLimits?
    /// Defaults of the dosing files that options replaced, for the user.
    var notes: [String] = []

    /// Refuses a schedule far outside clinical use for this patient (see
    /// ``PlausibilityLimits``), unless `--allow-extreme` was given.
    func checkPlausible(_ schedule: DosingSchedule) throws {
      try limits?.check(schedule, weightKilograms: patient.weightKilograms)
    }

    /// Where the effect-site rate constant came from, for the summary.
    var ke0Source: String {
      ke0Override == nil ? "published: \(definition.effectSite?.source ?? "")" : "--ke0 override"
    }
  }

  /// Loads the catalogue, resolves the model and builds the patient; throws a
  /// ``KetasimError`` that quotes the user's input.
  func resolve() throws -> Resolved { try resolve(defaults: Defaults()) }

  /// Like ``resolve()``, with `defaults` where the user gave no option, and
  /// `modelOverride` (one id or path) instead of `--model` when given.
  func resolve(defaults: Defaults, modelOverride: String? = nil) throws -> Resolved {
    let catalog = try ModelCatalog.builtIn()
    let definition = try catalog.resolve(modelOverride ?? model ?? defaults.model ?? Self.defaultModel)
    let weightText = weight ?? defaults.patient.weightKilograms.map { "\($0)" } ?? Self.defaultWeight
    let patient = try InputParsing.quotingInput(["weight": weightText, "age": age ?? ""]) {
      try Patient(
        weightKilograms: try InputParsing.number(weightText, "weight", "a positive number of kilograms, such as 70"),
        ageYears: try age.map { try InputParsing.number($0, "age", "a number of years, such as 45") }
          ?? defaults.patient.ageYears)
    }
    let limits = allowExtreme ? nil : PlausibilityLimits()
    try limits?.check(patient)
    let ke0Override = try ke0.map {
      try InputParsing.number($0, "ke0", "a positive rate constant in 1/min, such as 0.238")
    }
    let parameters = try InputParsing.quotingInput(["ke0": ke0 ?? ""]) {
      try definition.parameters(for: patient, ke0Override: ke0Override)
    }
    let thresholds = try catalog.thresholds.applying(overrides: defaults.thresholdOverrides + thresholdOverrides)
    var notes: [String] = []
    if weight != nil, let given = defaults.patient.weightKilograms, given != patient.weightKilograms {
      notes.append(
        "--weight \(InputParsing.format(patient.weightKilograms)) kg replaces the weight of "
          + "\(defaults.source) (\(InputParsing.format(given)) kg)")
    }
    if let age = patient.ageYears, self.age != nil, let given = defaults.patient.ageYears, given != age {
      notes.append(
        "--age \(InputParsing.format(age)) years replaces the age of \(defaults.source) (\(InputParsing.format(given)) years)"
      )
    }
    return Resolved(
      catalog: catalog, definition: definition, patient: patient, parameters: parameters,
      ke0Override: ke0Override, thresholds: thresholds, limits: limits, notes: notes)
  }
}
