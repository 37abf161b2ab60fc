/// Published ketamine concentrations to compare the models with, read from
/// `Models/observations.yaml` (format in that file's header).
///
/// Each observation is a regimen given to a described group of patients and
/// one or more measured quantities: a plasma concentration at a time, the
/// area under the curve to infinity, or a steady-state concentration. Values
/// keep their published unit for display and are also held in ng/mL (or
/// ng·h/mL for an AUC) for computation.
public struct ObservationSet: Sendable {
  /// The drug given and measured.
  public enum DrugForm: String, Sendable {
    case racemic = "racemic ketamine"
    case sKetamine = "S-ketamine"
  }

  /// Who was studied, which decides which models the data speak to.
  public enum Population: String, Sendable {
    case adults, children
  }

  /// What was measured.
  public enum Quantity: Sendable, Equatable {
    /// Plasma concentration at a time after the start of the regimen.
    case concentration(at: ClockTime)
    /// Area under the plasma concentration curve from zero to infinity.
    case areaToInfinity
    /// Steady-state concentration of a constant-rate infusion held for ever.
    case steadyState

    /// The name used in files and CSV: `cp`, `auc_inf` or `css`.
    public var key: String {
      switch self {
      case .concentration: return "cp"
      case .areaToInfinity: return "auc_inf"
      case .steadyState: return "css"
      }
    }
  }

  /// One measured number.
  public struct Measurement: Sendable {
    public var quantity: Quantity
    /// The value as published, in ``unit``.
    public var value: Double
    /// The published unit, such as `ng/mL`, `ug/mL` or `ug*h/L`.
    public var unit: String
    /// The value in ng/mL (concentrations) or ng·h/mL (AUC).
    public var canonicalValue: Double
    /// What the number is (mean, median, …) and how it was read.
    public var statistic: String
  }

  /// One published observation.
  public struct Observation: Sendable {
    /// `O1`, `O4`, …, as numbered in Models/observations.yaml.
    public var id: String
    public var title: String
    public var drug: DrugForm
    public var population: Population
    public var subjects: String
    /// Body weight used for the predictions (kg).
    public var weightKilograms: Double
    public var weightSource: String
    /// Age in years, where published.
    public var ageYears: Double?
    /// The regimen as dose specs, in file order.
    public var regimen: [DoseSpec]
    public var regimenNote: String?
    public var sampling: ModelDefinition.SamplingSite
    public var samplingNote: String
    /// Short reference with its verification tag.
    public var source: String
    public var reference: String?
    /// Ids of shipped models that were fitted to these very data: for them
    /// the comparison is a consistency check, not an independent validation.
    public var fittedModels: [String]
    public var measurements: [Measurement]
    public var notes: [String]

    /// Whether the weight is an assumption rather than published.
    public var weightIsAssumed: Bool { weightSource.lowercased().hasPrefix("assumption") }

    /// The patient the predictions are made for.
    public func patient() throws -> Patient { try Patient(weightKilograms: weightKilograms, ageYears: ageYears) }

    /// The regimen's administrations for this observation's weight.
    public func schedule() throws -> DosingSchedule {
      try DosingSchedule(regimen.flatMap { $0.doses(forWeight: weightKilograms) })
    }

    /// The regimen as written, specs joined by `; `.
    public var regimenText: String { regimen.map(\.text).joined(separator: "; ") }
  }

  /// Observations in file order.
  public var observations: [Observation]

  /// The observation with this id.
  public subscript(id: String) -> Observation? { observations.first { $0.id == id } }

  /// Reads an observations file.
  ///
  /// Checked with `file:line:column`: unknown or missing keys, ids that are
  /// not `O` and a number or are repeated, dose specs that do not parse,
  /// units that do not fit the quantity, a `cp` without `time_min` (or
  /// another quantity with one), a `css` whose regimen is not a single
  /// constant-rate infusion, and weights or ages out of range.
  public init(yaml text: String, file: String) throws {
    let root = try YAMLNode.parse(text, file: file).mapping(allowing: ["observations"])
    var seen: Set<String> = []
    observations = try root.required("observations").sequence().map { node in
      let observation = try ObservationSet.readObservation(node)
      guard seen.insert(observation.id).inserted else {
        throw try node.mapping(allowing: ObservationSet.observationKeys).required("id").failure(
          "duplicate observation id '\(observation.id)'")
      }
      return observation
    }
    guard !observations.isEmpty else {
      throw try root.required("observations").failure("expected at least one observation")
    }
  }

  private static let observationKeys = [
    "id", "title", "drug", "population", "subjects", "weight_kg", "weight_source", "age_years", "regimen",
    "regimen_note", "sampling", "sampling_note", "source", "reference", "fitted_models", "measurements", "notes",
  ]

  private static func readObservation(_ node: YAMLNode) throws -> Observation {
    let map = try node.mapping(allowing: observationKeys)
    let idNode = try map.required("id")
    let id = try idNode.string()
    guard id.count > 1, id.first == "O", id.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else {
      throw idNode.failure("id '\(id)' must be 'O' and a number, such as O4")
    }
    let drugNode = try map.required("drug")
    guard let drug = DrugForm(rawValue: try drugNode.string()) else {
      throw drugNode.failure("expected 'racemic ketamine' or 'S-ketamine'")
    }
    let populationNode = try map.required("population")
    guard let population = Population(rawValue: try populationNode.string()) else {
      throw populationNode.failure("expected adults or children")
    }
    let samplingNode = try map.required("sampling")
    guard let sampling = ModelDefinition.SamplingSite(rawValue: try samplingNode.string()) else {
      throw samplingNode.failure("expected arterial, venous or unknown")
    }
    let weightNode = try map.required("weight_kg")
    let weight = try weightNode.positiveNumber()
    guard weight <= Patient.largestWeight else {
      throw weightNode.failure("expected a weight in kg up to \(Int(Patient.largestWeight)), found \(weight)")
    }
    var age: Double?
    if let ageNode = map["age_years"] {
      let value = try ageNode.number()
      guard value >= 0, value <= 150 else { throw ageNode.failure("expected an age from 0 to 150 years") }
      age = value
    }
    let regimenNode = try map.required("regimen")
    let regimenItems = try regimenNode.sequence()
    guard !regimenItems.isEmpty else { throw regimenNode.failure("expected at least one dose spec") }
    let regimen = try regimenItems.map { item in
      let text = try item.string()
      do {
        let spec = try DoseSpec(parsing: text)
        _ = try DosingSchedule(spec.doses(forWeight: weight))
        return spec
      } catch let error as KetasimError {
        throw error.placed(at: item.origin)
      }
    }
    let measurementsNode = try map.required("measurements")
    let measurementItems = try measurementsNode.sequence()
    guard !measurementItems.isEmpty else { throw measurementsNode.failure("expected at least one measurement") }
    let measurements = try measurementItems.map { try readMeasurement($0, regimen: regimen, regimenNode: regimenNode) }
    return Observation(
      id: id, title: try map.required("title").string(), drug: drug, population: population,
      subjects: try map.required("subjects").string(), weightKilograms: weight,
      weightSource: try map.required("weight_source").string(), ageYears: age, regimen: regimen,
      regimenNote: try map["regimen_note"]?.string(), sampling: sampling,
      samplingNote: try map["sampling_note"]?.string() ?? "", source: try map.required("source").string(),
      reference: try map["reference"]?.string(),
      fittedModels: try map["fitted_models"]?.sequence().map { try $0.string() } ?? [], measurements: measurements,
      notes: try map["notes"]?.sequence().map { try $0.string() } ?? [])
  }

  /// Factors to ng/mL (concentrations) and ng·h/mL (AUC).
  private static let concentrationUnits: [String: Double] = ["ng/mL": 1, "ug/mL": 1000, "mg/L": 1000]
  private static let areaUnits: [String: Double] = ["ng*h/mL": 1, "ug*h/L": 1, "mg*h/L": 1000]

  private static func readMeasurement(_ node: YAMLNode, regimen: [DoseSpec], regimenNode: YAMLNode) throws
    -> Measurement
  {
    let map = try node.mapping(allowing: ["quantity", "time_min", "value", "unit", "statistic"])
    let quantityNode = try map.required("quantity")
    let key = try quantityNode.string()
    let quantity: Quantity
    switch key {
    case "cp":
      let timeNode = try map.required("time_min")
      let minutes = try timeNode.positiveNumber()
      guard let time = ClockTime(validatingMinutes: minutes), time <= ClockTime.limit else {
        throw timeNode.failure("expected a time in minutes up to 100 years")
      }
      quantity = .concentration(at: time)
    case "auc_inf", "css":
      if let timeNode = map["time_min"] {
        throw timeNode.failure("time_min belongs to quantity cp only; \(key) has no time")
      }
      quantity = key == "css" ? .steadyState : .areaToInfinity
    default:
      throw quantityNode.failure("unknown quantity '\(key)'; expected cp, auc_inf or css")
    }
    if quantity == .steadyState {
      guard regimen.count == 1, let spec = regimen.first, spec.duration != nil, spec.start == .zero,
        spec.repeats == nil
      else {
        throw regimenNode.failure(
          "css needs a regimen of one constant-rate infusion from time 0, such as '41 ug/kg/min for 60 min'")
      }
    }
    let units = quantity == .areaToInfinity ? areaUnits : concentrationUnits
    let unitNode = try map.required("unit")
    let unit = try unitNode.string()
    guard let factor = units[unit] else {
      throw unitNode.failure(
        "unit '\(unit)' does not fit \(key); expected one of \(units.keys.sorted().joined(separator: ", "))")
    }
    let value = try map.required("value").positiveNumber()
    return Measurement(
      quantity: quantity, value: value, unit: unit, canonicalValue: value * factor,
      statistic: try map.required("statistic").string())
  }
}
