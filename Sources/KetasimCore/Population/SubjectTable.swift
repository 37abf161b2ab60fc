/// The per-subject table of a population run: one row per subject with its
/// covariates, sampled parameters and exact read-out.
///
/// Columns (units in the names): `subject` (1-based), `weight_kg`,
/// `age_years` (when ages are known), the individual parameters present in
/// the model (`V1_L`, `CL_L_per_min`, `V2_L`, `Q2_L_per_min`, `V3_L`,
/// `Q3_L_per_min`, `ke0_per_min`; for a model with a general structure every
/// parameter of its file, such as `VM_L`, `CLM_L_per_min`, `FM`); then for
/// plasma (`cp_`) and, with an effect site, the effect site (`ce_`):
/// `max_ng_per_ml`, `tmax_min`, `auc_ng_min_per_ml` and `time_above_T_min`
/// per threshold; for each metabolite observation (`nk_`, …) its `max`,
/// `tmax_min` and `auc` in its unit (no `tmax` again for nmol/mL); then the 0/1 flags
/// `outside_validity_range` (weight or age outside the model's range) and
/// `cp_ever_above_T` (and `ce_ever_above_T`).
///
/// Peaks, peak times and times above thresholds are the exact read-out
/// (``CurveReadout``: root finding on the exact solution, never an output
/// grid); "ever above" means strictly above at some instant.
public struct SubjectTable: Sendable {
  public private(set) var columns: [String]
  public private(set) var flagsFrom: Int
  let parameters: [PopulationParameter]
  let hasAge: Bool
  let thresholds: [NamedThreshold]
  let sites: [CurveReadout.Site]
  /// Metabolite observations (general structures), read without thresholds.
  let metabolites: [Observation]
  /// Effect endpoints: each subject's model gains their effect sites (``ScenarioSubject/endpoints``).
  public private(set) var endpoints: [ScenarioSubject.Endpoint] = []

  /// - Parameters:
  ///   - typical: any subject's parameters (fixes which are present).
  public init(typical: PKParameters, hasAge: Bool, thresholds: [NamedThreshold]) {
    self.init(
      parameterColumns: PopulationParameter.standard.filter { $0.value(in: typical) != nil },
      namedColumns: [], hasAge: hasAge, thresholds: thresholds,
      sites: typical.ke0 == nil ? [.plasma] : [.plasma, .effectSite], metabolites: [])
  }

  /// The table of a model with a general structure: every parameter of `model`'s file, the parent's plasma
  /// (and effect site) with thresholds, and each metabolite observation.
  public init(model: ModelDefinition, typical: CompartmentStructure, hasAge: Bool, thresholds: [NamedThreshold]) {
    let observations = GeneralDisposition(typical).observations
    func column(_ parameter: ModelDefinition.Parameter) -> String {
      switch parameter.dimension {
      case .volume: return "\(parameter.name)_L"
      case .clearance: return "\(parameter.name)_L_per_min"
      case .rateConstant: return "\(parameter.name)_per_min"
      case .fraction: return parameter.name
      }
    }
    self.init(
      parameterColumns: [], namedColumns: model.parameters.map(column), hasAge: hasAge, thresholds: thresholds,
      sites: observations.map(\.site).filter(\.isParent), metabolites: observations.filter { !$0.site.isParent })
  }

  private init(
    parameterColumns: [PopulationParameter], namedColumns: [String], hasAge: Bool, thresholds: [NamedThreshold],
    sites: [CurveReadout.Site], metabolites: [Observation]
  ) {
    parameters = parameterColumns
    self.hasAge = hasAge
    self.thresholds = thresholds
    self.sites = sites
    self.metabolites = metabolites
    var columns = ["subject", "weight_kg"]
    if hasAge { columns.append("age_years") }
    columns += parameters.map(\.columnName) + namedColumns
    for site in sites {
      let p = site.rawValue
      columns += ["\(p)_max_ng_per_ml", "\(p)_tmax_min", "\(p)_auc_ng_min_per_ml"]
      columns += thresholds.map { "\(p)_time_above_\($0.name)_min" }
    }
    for observation in metabolites {
      let p = observation.site.rawValue
      if observation.unit == .nanogramsPerMillilitre {
        columns += ["\(p)_max_ng_per_ml", "\(p)_tmax_min", "\(p)_auc_ng_min_per_ml"]
      } else {
        // The same curve in other units: its peak time is the ng/mL one's.
        columns += ["\(p)_max_nmol_per_ml", "\(p)_auc_nmol_min_per_ml"]
      }
    }
    flagsFrom = columns.count
    columns.append("outside_validity_range")
    for site in sites { columns += thresholds.map { "\(site.rawValue)_ever_above_\($0.name)" } }
    self.columns = columns
  }

  /// This table with effect endpoints: per endpoint its site's peak and minutes above its level (C50,
  /// half-maximal effect, or a chosen effect level) before the flags, and a `ID_ever_above_c50` (or `_level`)
  /// flag after them; an endpoint without a level has its peak only.
  public func adding(endpoints: [ScenarioSubject.Endpoint]) -> SubjectTable {
    guard !endpoints.isEmpty else { return self }
    var table = self
    table.endpoints = endpoints
    var columns = Array(self.columns[..<flagsFrom])
    for endpoint in endpoints {
      columns.append("\(endpoint.endpoint.id)_ce_max_ng_per_ml")
      if let level = endpoint.level { columns.append("\(endpoint.endpoint.id)_time_above_\(level.name)_min") }
    }
    table.flagsFrom = columns.count
    columns += self.columns[flagsFrom...]
    columns += endpoints.compactMap { endpoint in endpoint.level.map { "\(endpoint.endpoint.id)_ever_above_\($0.name)" }
    }
    table.columns = columns
    return table
  }

  /// The row of `subject` simulated with `schedule` over `[0, end]`.
  ///
  /// A general structure whose exact read-out is not possible for this
  /// subject's draws (a complex spectrum) gets NaN read-outs.
  func row(
    for subject: VirtualSubject, schedule: DosingSchedule, end: ClockTime, model: ModelDefinition
  ) -> [Double] {
    var row: [Double] = [Double(subject.index), subject.patient.weightKilograms]
    if hasAge { row.append(subject.patient.ageYears ?? .nan) }
    let outside: Double = model.validityWarnings(for: subject.patient).isEmpty ? 0 : 1
    switch subject.individual {
    case .mammillary(let parameters) where endpoints.isEmpty:
      for parameter in self.parameters { row.append(parameter.value(in: parameters) ?? .nan) }
      readOut(Simulation(disposition: Disposition(parameters), schedule: schedule), end: end, outside, into: &row)
    case .mammillary(let parameters):
      // The endpoints' effect sites need the general engine.
      for parameter in self.parameters { row.append(parameter.value(in: parameters) ?? .nan) }
      if let disposition = try? GeneralDisposition(
        checking: withEffectSites(CompartmentStructure(mammillary: parameters)), name: model.id)
      {
        readOut(ExactSimulation(disposition: disposition, schedule: schedule), end: end, outside, into: &row)
      } else {
        row += [Double](repeating: .nan, count: columns.count - row.count)
      }
    case .general(let structure):
      row += subject.values
      if let disposition = try? GeneralDisposition(checking: withEffectSites(structure), name: model.id) {
        readOut(ExactSimulation(disposition: disposition, schedule: schedule), end: end, outside, into: &row)
      } else {
        row += [Double](repeating: .nan, count: columns.count - row.count)
      }
    }
    return row
  }

  /// `structure` with the effect site of every endpoint.
  private func withEffectSites(_ structure: CompartmentStructure) throws -> CompartmentStructure {
    try endpoints.reduce(structure) { try $1.adding(to: $0) }
  }

  /// Appends the read-out columns of `simulation`, the validity flag `outside` and the threshold flags.
  private func readOut<System>(
    _ simulation: ExactSimulation<System>, end: ClockTime, _ outside: Double, into row: inout [Double]
  ) {
    let readouts = sites.map { site in
      CurveReadout(ExactCurve(simulation, site: site, through: end), site: site, thresholds: thresholds)
    }
    for readout in readouts {
      row += [readout.maximum, readout.timeOfMaximum, readout.areaUnderCurve]
      row += readout.thresholds.map(\.minutesAbove)
    }
    for observation in metabolites {
      let curve = ExactCurve(simulation, observation: observation, through: end)
      let (time, value) = curve.maximum()
      row += observation.unit == .nanogramsPerMillilitre ? [value, time] : [value]
      row.append(curve.areaUnderCurve())
    }
    var reached: [Double] = []
    for endpoint in endpoints {
      guard let observation = simulation.disposition.observation(endpoint.site) else { continue }
      let curve = ExactCurve(simulation, observation: observation, through: end)
      row.append(curve.maximum().value)
      guard let level = endpoint.level else { continue }
      let above = curve.timesAbove(level)
      row.append(above.minutesAbove)
      reached.append(above.firstAbove == nil ? 0 : 1)
    }
    row.append(outside)
    for readout in readouts { row += readout.thresholds.map { $0.firstAbove == nil ? 0 : 1 } }
    row += reached
  }

  /// Writes the header.
  public static func writeHeader(_ columns: [String], to writer: inout CSVWriter) throws {
    try writer.writeRow(columns)
  }

  /// Writes one row: the subject number as an integer, numbers in shortest
  /// round-trip form, flags as 0/1.
  public static func write(_ row: [Double], flagsFrom: Int, to writer: inout CSVWriter) throws {
    try writer.writeRow(numbered: row, flagsFrom: flagsFrom)
  }
}
