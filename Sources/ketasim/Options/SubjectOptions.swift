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

  @Option(
    parsing: .unconditional, help: "Total body weight in kg. Default: the regimen's patient, else 70.",
    transform: InputParsing.typedNumber("weight", "a positive number of kilograms, such as 70"))
  var weight: Typed<Double>?

  @Option(
    parsing: .unconditional, help: "Age in years (checked against the model's validity range).",
    transform: InputParsing.typedNumber("age", "a number of years, such as 45"))
  var age: Typed<Double>?

  @Option(
    help: ArgumentHelp(
      "female or male: used only by a model whose file declares a relation on sex (see 'ketasim models show').",
      valueName: "sex"),
    transform: { try Sex(parsing: $0) })
  var sex: Sex?

  @Option(
    name: .customLong("covariate"), parsing: .unconditionalSingleValue,
    help: ArgumentHelp(
      "NAME=VALUE: a covariate the model's file names (such as ASIAN=1 for perezruixo2021); repeatable.",
      valueName: "name=value"),
    transform: SubjectOptions.namedCovariate(parsing:))
  var namedCovariates: [(name: String, value: Double)] = []

  @Option(
    parsing: .unconditional, help: "Effect-site rate constant ke0 in 1/min; overrides the model's published value.",
    transform: InputParsing.typedNumber("ke0", "a positive rate constant in 1/min, such as 0.238"))
  var ke0: Typed<Double>?

  @Option(
    help: ArgumentHelp(
      "What is given: racemic (default) or esketamine. An S-ketamine model (flint2017, perezruixo2021) needs "
        + "esketamine, or --s-fraction for a racemic dose.", valueName: "drug"),
    transform: { text in
      guard let drug = Drug(rawValue: text.lowercased()) else {
        throw KetasimError.invalidValue("drug", text, accepted: "racemic or esketamine")
      }
      return drug
    })
  var drug: Drug?

  @Option(
    name: .customLong("s-fraction"), parsing: .unconditional,
    help: ArgumentHelp(
      "For an S-ketamine model given racemic ketamine: the part of each dose simulated, such as 0.5 for the "
        + "S half (an assumption; the output says so).", valueName: "fraction"),
    transform: InputParsing.typedNumber("S fraction", "a fraction above 0 and at most 1, such as 0.5"))
  var sFraction: Typed<Double>?

  @Flag(
    name: .customLong("allow-extreme"),
    help: "Simulate weights, ages, doses and rates far outside clinical use instead of refusing them.")
  var allowExtreme = false

  @Option(
    name: .customLong("threshold"), parsing: .unconditionalSingleValue,
    help: "NAME=VALUE (ng/mL) to override or add a threshold, NAME=off to drop one; repeatable.")
  var thresholdOverrides: [String] = []

  /// Sets the model, patient, ke0, thresholds and `--allow-extreme` of
  /// `request`.
  func fill(_ request: inout ScenarioRequest) {
    request.model = model
    request.weightKilograms = weight?.value
    request.ageYears = age?.value
    request.sex = sex
    request.covariates = Dictionary(namedCovariates.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    request.ke0 = ke0?.value
    request.thresholdOverrides = thresholdOverrides
    request.allowExtreme = allowExtreme
    request.drug = drug
    request.sFraction = sFraction?.value
  }

  /// `NAME=VALUE` with an upper-case name and a finite number.
  @Sendable static func namedCovariate(parsing text: String) throws -> (name: String, value: Double) {
    let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
    guard parts.count == 2, case .named(let name)? = CovariateRelation.Covariate(name: parts[0]),
      let value = Double(parts[1]), value.isFinite
    else {
      throw KetasimError.invalidValue(
        "covariate", text, accepted: "NAME=VALUE with an upper-case name and a number, such as ASIAN=1")
    }
    return (name, value)
  }

  /// The typed text of each option whose parsed value the library may
  /// report, so that messages quote what the user typed.
  var typedInputs: [String: String] {
    [
      "weight": weight?.text ?? "", "age": age?.text ?? "", "ke0": ke0?.text ?? "",
      "S fraction": sFraction?.text ?? "",
    ]
  }

  /// The model, patient and thresholds, without dosing (for `tci`).
  func resolve() throws -> ScenarioSubject {
    var request = ScenarioRequest()
    fill(&request)
    return try InputParsing.quotingInput(typedInputs) { try request.subject() }
  }
}
