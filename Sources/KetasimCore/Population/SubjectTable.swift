/// The per-subject table of a population run: one row per subject with its
/// covariates, sampled parameters and exact read-out.
///
/// Columns (units in the names): `subject` (1-based), `weight_kg`,
/// `age_years` (when ages are known), the individual parameters present in
/// the model (`V1_L`, `CL_L_per_min`, `V2_L`, `Q2_L_per_min`, `V3_L`,
/// `Q3_L_per_min`, `ke0_per_min`); then for plasma (`cp_`) and, with an
/// effect site, the effect site (`ce_`): `max_ng_per_ml`, `tmax_min`,
/// `auc_ng_min_per_ml` and `time_above_T_min` per threshold; then the 0/1
/// flags `outside_validity_range` (weight or age outside the model's range)
/// and `cp_ever_above_T` (and `ce_ever_above_T`).
///
/// Peaks, peak times and times above thresholds are the exact read-out
/// (``CurveReadout``: root finding on the exact solution, never an output
/// grid); "ever above" means strictly above at some instant.
public struct SubjectTable: Sendable {
  public let columns: [String]
  public let flagsFrom: Int
  let parameters: [PopulationParameter]
  let hasAge: Bool
  let thresholds: [NamedThreshold]
  let sites: [CurveReadout.Site]

  /// - Parameters:
  ///   - typical: any subject's parameters (fixes which are present).
  public init(typical: PKParameters, hasAge: Bool, thresholds: [NamedThreshold]) {
    parameters = PopulationParameter.allCases.filter { $0.value(in: typical) != nil }
    self.hasAge = hasAge
    self.thresholds = thresholds
    sites = typical.ke0 == nil ? [.plasma] : [.plasma, .effectSite]
    var columns = ["subject", "weight_kg"]
    if hasAge { columns.append("age_years") }
    columns += parameters.map(\.columnName)
    for site in sites {
      let p = site.rawValue
      columns += ["\(p)_max_ng_per_ml", "\(p)_tmax_min", "\(p)_auc_ng_min_per_ml"]
      columns += thresholds.map { "\(p)_time_above_\($0.name)_min" }
    }
    flagsFrom = columns.count
    columns.append("outside_validity_range")
    for site in sites { columns += thresholds.map { "\(site.rawValue)_ever_above_\($0.name)" } }
    self.columns = columns
  }

  /// The row of `subject` simulated with `schedule` over `[0, end]`.
  func row(
    for subject: VirtualSubject, schedule: DosingSchedule, end: ClockTime, model: ModelDefinition
  ) -> [Double] {
    let simulation = Simulation(disposition: Disposition(subject.parameters), schedule: schedule)
    let readouts = sites.map { site in
      CurveReadout(ExactCurve(simulation, site: site, through: end), site: site, thresholds: thresholds)
    }
    var row: [Double] = [Double(subject.index), subject.patient.weightKilograms]
    if hasAge { row.append(subject.patient.ageYears ?? .nan) }
    for parameter in parameters { row.append(parameter.value(in: subject.parameters) ?? .nan) }
    for readout in readouts {
      row += [readout.maximum, readout.timeOfMaximum, readout.areaUnderCurve]
      row += readout.thresholds.map(\.minutesAbove)
    }
    row.append(model.validityWarnings(for: subject.patient).isEmpty ? 0 : 1)
    for readout in readouts { row += readout.thresholds.map { $0.firstAbove == nil ? 0 : 1 } }
    return row
  }

  /// Writes the header.
  public static func writeHeader(_ columns: [String], to writer: inout CSVWriter) throws {
    try writer.writeRow(columns)
  }

  /// Writes one row: the subject number as an integer, numbers in shortest
  /// round-trip form, flags as 0/1.
  public static func write(_ row: [Double], flagsFrom: Int, to writer: inout CSVWriter) throws {
    var fields: [String] = []
    fields.reserveCapacity(row.count)
    fields.append(String(Int(row[0])))
    for index in 1..<row.count {
      fields.append(index >= flagsFrom ? (row[index] == 0 ? "0" : "1") : row[index].description)
    }
    try writer.writeRow(fields)
  }
}
