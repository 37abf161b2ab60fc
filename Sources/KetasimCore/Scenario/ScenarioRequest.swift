/// What defines one simulated scenario, as typed values: the model and
/// patient, the dosing sources and the output grid.
///
/// Front ends (the command line, a server, a notebook binding) fill one in
/// and call ``resolve()``; every rule of how the pieces combine lives here:
///
/// - Doses of every source add up: each regimen, the event table and the
///   dose specs may be combined.
/// - With no source at all, ``defaultDose`` is given.
/// - Values in a regimen file or an event table (patient, model, output
///   grid, syringe, thresholds) are defaults: a value set here wins, and
///   the scenario's ``Scenario/notes`` say when one replaced the file's.
/// - The grid defaults to the longest duration and the finest step of the
///   sources (4 h at 1 min for dose specs alone).
/// - The syringe given here converts mL doses of every source; otherwise
///   the first regimen's syringe converts the dose specs.
///
/// Units: weight in kg, age in years, ke0 in 1/min, syringe in mg of base
/// per mL.
public struct ScenarioRequest: Sendable {
  /// The profile given when there is no dosing source.
  public static let defaultDose = "0.5 mg/kg over 40 min"
  /// The model used when neither the request nor a regimen names one.
  public static let defaultModel = ModelCatalog.defaultModelID
  /// The body weight (kg) used when neither the request nor a regimen gives one.
  public static let defaultWeightKilograms = 70.0
  /// How long dose specs alone are simulated.
  public static let defaultDuration = ClockTime.hours(4)
  /// The output step when no source sets one.
  public static let defaultStep = ClockTime.minutes(1)

  /// Catalogue model id or model file path.
  public var model: String?
  public var weightKilograms: Double?
  public var ageYears: Double?
  /// Sex, for a model with a categorical covariate relation on it (ignored by the others).
  public var sex: Sex?
  /// Named covariates (`ASIAN` = 1) for a model whose relations use them (ignored by the others).
  public var covariates: [String: Double] = [:]
  /// Effect-site rate constant (1/min) that sets or overrides the model's.
  public var ke0: Double?
  /// `NAME=VALUE` (ng/mL) or `NAME=off`, applied after a regimen's own.
  public var thresholdOverrides: [String] = []
  /// Simulate values far outside clinical use instead of refusing them.
  public var allowExtreme = false
  /// Effect endpoints to report (ids in `Models/effects.yaml`), each on its own effect site.
  public var effects: [String] = []
  /// What is given (default racemic ketamine).
  public var drug: Drug?
  /// For an S-ketamine model given a racemic dose: the part of each dose simulated (0.5: the S half).
  public var sFraction: Double?

  /// Built-in regimen names or regimen file paths.
  public var regimens: [String] = []
  /// A NONMEM-style event table, the subject to take from it, and the unit
  /// of its times.
  public var eventTable: String?
  public var eventTableID: String?
  public var eventTimeUnit = EventTable.TimeUnit.hours
  /// Dose specs, such as `0.5 mg/kg over 40 min`, or chains of them joined
  /// by `then`.
  public var doses: [String] = []
  /// Changes to running infusions, such as `at 20 min to 0.3 mg/kg/h` or
  /// `at 25 min stop` (``RateChange``), made on every source's doses.
  public var changes: [String] = []
  /// Syringe strength (mg/mL) for mL and mL/h doses.
  public var syringe: Double?

  /// How long to simulate and how often to report; nil takes the sources'.
  public var duration: ClockTime?
  public var step: ClockTime?

  public init() {}
}
