import ArgumentParser
import KetasimCore

/// The model, the patient and the thresholds: shared by every command that
/// simulates (`simulate`, `population`, `tci`, `compare`).
///
/// `--model` and `--weight` are optional so that a regimen file's patient
/// and model can serve as defaults; ``resolve()`` applies the built-in
/// defaults (clements250, 70 kg) where neither the user nor a regimen says.
struct SubjectOptions: ParsableArguments {
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

  /// Sets the model, patient, ke0, thresholds and `--allow-extreme` of
  /// `request`, parsing what the user typed.
  func fill(_ request: inout ScenarioRequest) throws {
    request.model = model
    request.weightKilograms = try weight.map {
      try InputParsing.number($0, "weight", "a positive number of kilograms, such as 70")
    }
    request.ageYears = try age.map { try InputParsing.number($0, "age", "a number of years, such as 45") }
    request.ke0 = try ke0.map { try InputParsing.number($0, "ke0", "a positive rate constant in 1/min, such as 0.238") }
    request.thresholdOverrides = thresholdOverrides
    request.allowExtreme = allowExtreme
  }

  /// The typed text of each option whose parsed value the library may
  /// report, so that messages quote what the user typed.
  var typedInputs: [String: String] { ["weight": weight ?? "", "age": age ?? "", "ke0": ke0 ?? ""] }

  /// The model, patient and thresholds, without dosing (for `tci`).
  func resolve() throws -> ScenarioSubject {
    var request = ScenarioRequest()
    try fill(&request)
    return try InputParsing.quotingInput(typedInputs) { try request.subject() }
  }
}
