import KetasimCore

/// One scenario in a JSON request: the patient, the model and the dosing,
/// by catalogue names only.
///
/// Units: weight in kg, age in years, ke0 in 1/min, syringe in mg of base
/// per mL. Dose specs, rate changes, durations and thresholds are the
/// command line's text (`0.5 mg/kg over 40 min`, `at 20 min to
/// 0.3 mg/kg/h`, `4 h`, `dissociation=200`), parsed by the same library
/// code, so a request and the matching `ketasim simulate` give the same
/// numbers.
///
/// No field names a file: a model is a catalogue id and a regimen a
/// built-in name, so the server never reads a path a client chose.
public struct ScenarioBody: Codable, Sendable, Equatable {
  /// Catalogue model id (default: the command line's default model).
  public var model: String?
  /// Body weight (kg).
  public var weightKilograms: Double?
  /// Age (years).
  public var ageYears: Double?
  /// `racemic` (default) or `esketamine`.
  public var drug: String?
  /// Dose specs, as `ketasim simulate --dose`.
  public var doses: [String]?
  /// Changes to running infusions, as `--change`.
  public var changes: [String]?
  /// Built-in regimen names (`ketasim regimens`).
  public var regimens: [String]?
  /// How long to simulate, such as `4 h` (default: as the command line).
  public var duration: String?
  /// Output step, such as `1 min` (default: as the command line).
  public var step: String?
  /// Effect-site rate constant (1/min) that sets or overrides the model's.
  public var ke0PerMinute: Double?
  /// Threshold overrides, `NAME=VALUE` (ng/mL) or `NAME=off`.
  public var thresholds: [String]?
  /// Effect endpoints to report (`ketasim models effects`).
  public var effects: [String]?
  /// Syringe strength (mg/mL) for mL and mL/h doses.
  public var syringeMilligramsPerMilliliter: Double?
  /// A short name for this profile in a comparison (default `A`, `B`).
  public var label: String?

  public init() {}

  /// The library's request for these values.
  ///
  /// - Throws: ``KetasimError`` for a model that is not in the catalogue, a
  ///   regimen that is not built in, a drug other than racemic or
  ///   esketamine, or a duration or step that does not parse.
  public func scenarioRequest() throws -> ScenarioRequest {
    let catalog = try ModelCatalog.builtIn()
    if let model { _ = try catalog.model(id: model) }
    var request = ScenarioRequest()
    request.model = model
    request.weightKilograms = weightKilograms
    request.ageYears = ageYears
    if let drug {
      guard let parsed = Drug(rawValue: drug.lowercased()) else {
        throw KetasimError.invalidValue("drug", drug, accepted: "racemic or esketamine")
      }
      request.drug = parsed
    }
    request.doses = doses ?? []
    request.changes = changes ?? []
    let names = RegimenCatalog.names
    for regimen in regimens ?? [] where !names.contains(regimen) {
      throw KetasimError.invalidValue(
        "regimen", regimen, accepted: "a built-in regimen: \(names.joined(separator: ", "))")
    }
    request.regimens = regimens ?? []
    request.duration = try duration.map { try ClockTime(parsingDuration: $0, what: "duration") }
    request.step = try step.map { try ClockTime(parsingDuration: $0, what: "step") }
    request.ke0 = ke0PerMinute
    request.thresholdOverrides = thresholds ?? []
    request.effects = effects ?? []
    request.syringe = syringeMilligramsPerMilliliter
    return request
  }

  /// The resolved scenario, its time course within the server's limits.
  func resolve(limits: ResourceLimits) throws -> Scenario {
    let scenario = try quotingNumbers { try scenarioRequest().resolve() }
    try limits.check(rows: scenario.grid.count, of: "the time course")
    return scenario
  }

  /// `body`'s result; an error about the weight, the age or ke0 quotes the
  /// number as JSON writes it (`-5`, not `-5.0`), so that the message is
  /// the command line's for the same value.
  func quotingNumbers<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as KetasimError {
      let numbers = ["weight": weightKilograms, "age": ageYears, "ke0": ke0PerMinute]
      guard case .invalidValue(let what, _, _) = error.problem, let number = numbers[what] ?? nil else {
        throw error
      }
      let text = "\(number)"
      throw error.withValue(text.hasSuffix(".0") ? String(text.dropLast(2)) : text)
    }
  }
}
