import ArgumentParser
import KetasimCore

/// The model, the patient and the thresholds: shared by every command that
/// simulates (`simulate`, `population`, `tci`, `compare`).
struct SubjectOptions: ParsableArguments {
  @Option(help: "Catalogue model id (see 'ketasim models') or a model file path.")
  var model = ModelCatalog.defaultModelID

  @Option(parsing: .unconditional, help: "Total body weight in kg.")
  var weight = "70"

  @Option(parsing: .unconditional, help: "Age in years (checked against the model's validity range).")
  var age: String?

  @Option(
    parsing: .unconditional, help: "Effect-site rate constant ke0 in 1/min; overrides the model's published value.")
  var ke0: String?

  @Option(
    name: .customLong("threshold"), parsing: .unconditionalSingleValue,
    help: "NAME=VALUE (ng/mL) to override or add a threshold, NAME=off to drop one; repeatable.")
  var thresholdOverrides: [String] = []

  /// What the options resolve to.
  struct Resolved {
    var catalog: ModelCatalog
    var definition: ModelDefinition
    var patient: Patient
    /// The model's typical-individual parameters for `patient`.
    var parameters: PKParameters
    var ke0Override: Double?
    var thresholds: [NamedThreshold]

    /// Where the effect-site rate constant came from, for the summary.
    var ke0Source: String {
      ke0Override == nil ? "published: \(definition.effectSite?.source ?? "")" : "--ke0 override"
    }
  }

  /// Loads the catalogue, resolves the model and builds the patient; throws a
  /// ``KetasimError`` that quotes the user's input.
  func resolve() throws -> Resolved {
    let catalog = try ModelCatalog.builtIn()
    let definition = try catalog.resolve(model)
    let patient = try InputParsing.quotingInput(["weight": weight, "age": age ?? ""]) {
      try Patient(
        weightKilograms: try InputParsing.number(weight, "weight", "a positive number of kilograms, such as 70"),
        ageYears: try age.map { try InputParsing.number($0, "age", "a number of years, such as 45") })
    }
    let ke0Override = try ke0.map {
      try InputParsing.number($0, "ke0", "a positive rate constant in 1/min, such as 0.238")
    }
    let parameters = try InputParsing.quotingInput(["ke0": ke0 ?? ""]) {
      try definition.parameters(for: patient, ke0Override: ke0Override)
    }
    let thresholds = try catalog.thresholds.applying(overrides: thresholdOverrides)
    return Resolved(
      catalog: catalog, definition: definition, patient: patient, parameters: parameters,
      ke0Override: ke0Override, thresholds: thresholds)
  }
}
