/// Published ketamine and norketamine concentrations to compare the models
/// with, read from `Models/observations.yaml` (format in that file's header).
///
/// Each observation is a regimen given to a described group of patients and
/// one or more measured quantities: a concentration at a time, the peak
/// concentration over a window, the area under the curve to infinity, or a
/// steady-state concentration, each of the parent drug or of a metabolite
/// (``Analyte``). Values keep their published unit for display and are also
/// held in ng/mL (or ng·h/mL for an AUC) for computation; molar values
/// (nmol/mL) are converted with the molar mass written next to them.
public struct ObservationSet: Sendable {
  /// The drug given (racemic ketamine, or S-ketamine: esketamine).
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
    /// The highest concentration from the start of the regimen to `until`: compared with the model's own
    /// peak in that window, wherever the model puts it.
    case peak(until: ClockTime)
    /// Area under the plasma concentration curve from zero to infinity.
    case areaToInfinity
    /// Steady-state concentration of a constant-rate infusion held for ever.
    case steadyState

    /// The name used in files and CSV: `cp`, `peak`, `auc_inf` or `css`.
    public var key: String {
      switch self {
      case .concentration: return "cp"
      case .peak: return "peak"
      case .areaToInfinity: return "auc_inf"
      case .steadyState: return "css"
      }
    }
  }

  /// Which substance a measurement is of.
  public enum Analyte: Sendable, Equatable {
    /// The drug given: racemic ketamine (the sum of the enantiomers) or S-ketamine.
    case parent
    /// A metabolite, named as the models' observation of it (`nk`: norketamine; S-norketamine after
    /// S-ketamine).
    case metabolite(String)

    /// The metabolites a measurement may name, with what they are: the metabolite observations of the
    /// shipped models.
    public static let metabolites: KeyValuePairs<String, String> = ["nk": "norketamine"]

    /// The name used in files and CSV: `parent` or the metabolite's observation name.
    public var key: String {
      switch self {
      case .parent: return "parent"
      case .metabolite(let name): return name
      }
    }
  }

  /// One measured number.
  public struct Measurement: Sendable {
    public var quantity: Quantity
    /// The substance measured (the parent drug unless the file says otherwise).
    public var analyte: Analyte = .parent
    /// The value as published, in ``unit``.
    public var value: Double
    /// The published unit, such as `ng/mL`, `ug/mL`, `nmol/mL` or `ug*h/L`.
    public var unit: String
    /// The value in ng/mL (concentrations) or ng·h/mL (AUC).
    public var canonicalValue: Double
    /// What the number is (mean, median, …) and how it was read.
    public var statistic: String
    /// The molar mass (g/mol) that converts a molar ``value`` to ng/mL; `nil` for a mass unit.
    public var molarMass: Double? = nil
    /// For a ``Quantity/peak(until:)``: the published time of the observed peak, where given.
    public var observedPeakTime: ClockTime? = nil
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
    /// For racemic data, the fraction of each dose an S-ketamine model is given (0.5, the S half).
    ///
    /// Stated in the file. The model's concentrations are then divided by it and compared with the sum of the
    /// enantiomers, which assumes the R enantiomer behaves like the S one. `nil`: S-ketamine models are not
    /// compared with these racemic data.
    public var sFraction: Double? = nil
    /// Ids of models compared although the observation's patient lies outside their validity range, to show
    /// how far off they are there; each such row says so.
    public var extrapolatedModels: [String] = []
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
  /// not `O` or `M` and a number or are repeated, dose specs that do not
  /// parse, units that do not fit the quantity, a molar unit without its
  /// molar mass (or a molar mass with a mass unit), an unknown analyte, a
  /// `cp` without `time_min` (or another quantity with one), a `peak`
  /// without `until_min`, a `css` whose regimen is not a single constant-rate
  /// infusion, an S fraction outside (0, 1] or given for S-ketamine data, and
  /// weights or ages out of range.
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
    "regimen_note", "sampling", "sampling_note", "source", "reference", "fitted_models", "s_fraction",
    "extrapolated_models", "measurements", "notes",
  ]

  private static func readObservation(_ node: YAMLNode) throws -> Observation {
    let map = try node.mapping(allowing: observationKeys)
    let idNode = try map.required("id")
    let id = try idNode.string()
    guard id.count > 1, id.first == "O" || id.first == "M", id.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber })
    else {
      throw idNode.failure(
        "id '\(id)' must be 'O' and a number (ketamine observations) or 'M' and a number (metabolite anchors), "
          + "such as O4 or M1")
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
    var sFraction: Double?
    if let fractionNode = map["s_fraction"] {
      let value = try fractionNode.positiveNumber()
      guard value <= 1 else { throw fractionNode.failure("expected an S fraction above 0 and at most 1, such as 0.5") }
      guard drug == .racemic else {
        throw fractionNode.failure("s_fraction belongs to racemic data; S-ketamine data are compared as they are")
      }
      sFraction = value
    }
    var observation = Observation(
      id: id, title: try map.required("title").string(), drug: drug, population: population,
      subjects: try map.required("subjects").string(), weightKilograms: weight,
      weightSource: try map.required("weight_source").string(), ageYears: age, regimen: regimen,
      regimenNote: try map["regimen_note"]?.string(), sampling: sampling,
      samplingNote: try map["sampling_note"]?.string() ?? "", source: try map.required("source").string(),
      reference: try map["reference"]?.string(),
      fittedModels: try map["fitted_models"]?.sequence().map { try $0.string() } ?? [], measurements: measurements,
      notes: try map["notes"]?.sequence().map { try $0.string() } ?? [])
    observation.sFraction = sFraction
    observation.extrapolatedModels = try map["extrapolated_models"]?.sequence().map { try $0.string() } ?? []
    return observation
  }

  /// Factors to ng/mL (concentrations) and ng·h/mL (AUC).
  private static let concentrationUnits: [String: Double] = ["ng/mL": 1, "ug/mL": 1000, "mg/L": 1000]
  private static let areaUnits: [String: Double] = ["ng*h/mL": 1, "ug*h/L": 1, "mg*h/L": 1000]

  private static func readMeasurement(_ node: YAMLNode, regimen: [DoseSpec], regimenNode: YAMLNode) throws
    -> Measurement
  {
    let map = try node.mapping(allowing: [
      "quantity", "analyte", "time_min", "until_min", "tmax_min", "value", "unit", "molar_mass_g_per_mol",
      "statistic",
    ])
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
    case "peak":
      if let timeNode = map["time_min"] {
        throw timeNode.failure("time_min belongs to quantity cp only; a peak has until_min (and tmax_min)")
      }
      let untilNode = try map.required("until_min")
      guard let until = ClockTime(validatingMinutes: try untilNode.positiveNumber()), until <= ClockTime.limit else {
        throw untilNode.failure("expected a time in minutes up to 100 years")
      }
      quantity = .peak(until: until)
    case "auc_inf", "css":
      if let timeNode = map["time_min"] {
        throw timeNode.failure("time_min belongs to quantity cp only; \(key) has no time")
      }
      quantity = key == "css" ? .steadyState : .areaToInfinity
    default:
      throw quantityNode.failure("unknown quantity '\(key)'; expected cp, peak, auc_inf or css")
    }
    for name in ["until_min", "tmax_min"] where key != "peak" {
      if let node = map[name] { throw node.failure("\(name) belongs to quantity peak only") }
    }
    var observedPeakTime: ClockTime?
    if let tmaxNode = map["tmax_min"] {
      guard let time = ClockTime(validatingMinutes: try tmaxNode.positiveNumber()), time <= ClockTime.limit else {
        throw tmaxNode.failure("expected a time in minutes up to 100 years")
      }
      if case .peak(let until) = quantity, time > until {
        throw tmaxNode.failure("tmax_min lies after until_min: the peak window must contain the observed peak")
      }
      observedPeakTime = time
    }
    var analyte = Analyte.parent
    if let analyteNode = map["analyte"] {
      let name = try analyteNode.string()
      if name != "parent" {
        guard Analyte.metabolites.contains(where: { $0.key == name }) else {
          let known = Analyte.metabolites.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
          throw analyteNode.failure("unknown analyte '\(name)'; expected parent or \(known)")
        }
        guard quantity != .areaToInfinity, quantity != .steadyState else {
          throw analyteNode.failure("a metabolite is compared as cp or peak only, not as \(key)")
        }
        analyte = .metabolite(name)
      }
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
    let molar = unit == "nmol/mL" && quantity != .areaToInfinity
    guard let factor = molar ? 1 : units[unit] else {
      let accepted = units.keys.sorted() + (quantity == .areaToInfinity ? [] : ["nmol/mL"])
      throw unitNode.failure("unit '\(unit)' does not fit \(key); expected one of \(accepted.joined(separator: ", "))")
    }
    let massNode = map["molar_mass_g_per_mol"]
    let molarMass = try massNode?.positiveNumber()
    if molar, molarMass == nil {
      throw unitNode.failure("nmol/mL needs molar_mass_g_per_mol (ketamine 237.73, norketamine 223.70)")
    }
    if !molar, let massNode { throw massNode.failure("molar_mass_g_per_mol belongs to a value in nmol/mL only") }
    let value = try map.required("value").positiveNumber()
    return Measurement(
      quantity: quantity, analyte: analyte, value: value, unit: unit,
      canonicalValue: value * factor * (molarMass ?? 1), statistic: try map.required("statistic").string(),
      molarMass: molarMass, observedPeakTime: observedPeakTime)
  }
}
