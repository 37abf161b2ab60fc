/// The read-out of a target-controlled infusion as `metric,value,unit` rows:
/// the rows of ``SummaryTable`` for the planned schedule (total dose and
/// volume, peaks, AUC, time above each threshold, ...), then the TCI rows,
/// then one `warnings` row.
///
/// TCI rows: `tci_site`, `tci_period` (s), `tci_max_rate` (mg/h, and mL/h
/// with a syringe; empty without a limit), `largest_rate` (mg/h, mL/h); for
/// each step `N` (from 1): `target_N` (ng/mL), `target_N_start`,
/// `target_N_end`, `target_N_predicted_time_to_target` and
/// `target_N_time_to_within_5pct` (min after the step's start),
/// `target_N_overshoot` (ng/mL) and `_pct`, `target_N_hold_error_pct` (the
/// largest |C − T|/T after the predicted time), `target_N_min` and
/// `target_N_max` (ng/mL); `largest_overshoot` (ng/mL) and `_pct`. See
/// ``TargetAttainment`` for the definitions.
public struct TCISummary: Sendable {
  public let rows: [MetricRow]
  public let warnings: [String]
  public let attainment: [TargetAttainment]

  public init<System>(
    _ infusion: TargetControlledInfusion<System>, model: ModelDefinition, patient: Patient,
    thresholds: [NamedThreshold],
    ke0Source: String
  ) {
    let syringe = infusion.pump.syringeMilligramsPerMilliliter
    let base = SummaryTable(
      simulation: infusion.simulation, end: infusion.end, model: model, patient: patient, thresholds: thresholds,
      ke0Source: ke0Source, syringe: syringe)
    var rows = base.rows.filter { $0.metric != "warnings" }
    func add(_ metric: String, _ value: Double?, _ unit: String) {
      rows.append(MetricRow(metric: metric, value: value.map { $0.description } ?? "", unit: unit))
    }
    rows.append(MetricRow(metric: "tci_site", value: infusion.site == .plasma ? "plasma" : "effect", unit: ""))
    add("tci_period", Double(infusion.pump.period.microseconds) / 1e6, "s")
    let limit = infusion.pump.maximumMilligramsPerMinute
    add("tci_max_rate", limit.map { $0 * 60 }, "mg/h")
    if let syringe { add("tci_max_rate_ml", limit.map { $0 * 60 / syringe }, "mL/h") }
    add("largest_rate", infusion.largestRate * 60, "mg/h")
    if let syringe { add("largest_rate_ml", infusion.largestRate * 60 / syringe, "mL/h") }

    let attainment = infusion.attainment()
    var warnings = base.warnings
    for (step, met) in zip(infusion.steps, attainment) {
      let n = "target_\(met.step + 1)"
      add(n, met.target, "ng/mL")
      add("\(n)_start", step.start.minutes, "min")
      add("\(n)_end", step.end.minutes, "min")
      add("\(n)_predicted_time_to_target", met.predictedTimeToTarget, "min")
      add("\(n)_time_to_within_5pct", met.timeToWithin5Percent, "min")
      add("\(n)_overshoot", met.overshoot, "ng/mL")
      add("\(n)_overshoot_pct", met.target > 0 ? met.overshoot / met.target * 100 : nil, "%")
      add("\(n)_hold_error_pct", met.holdError.map { $0 * 100 }, "%")
      add("\(n)_min", met.minimum, "ng/mL")
      add("\(n)_max", met.maximum, "ng/mL")
      if met.predictedTimeToTarget == nil, met.target > 0 {
        warnings.append(
          "target \(met.step + 1) (\(DoseWarnings.format(met.target)) ng/mL) is not reached within its step: "
            + "the pump's maximum rate is too low or the step too short")
      }
    }
    let largest = attainment.max { $0.overshoot < $1.overshoot }
    add("largest_overshoot", largest?.overshoot ?? 0, "ng/mL")
    add(
      "largest_overshoot_pct",
      attainment.map { $0.target > 0 ? $0.overshoot / $0.target * 100 : 0 }.max() ?? 0, "%")
    rows.append(MetricRow(metric: "warnings", value: warnings.joined(separator: "; "), unit: ""))
    self.rows = rows
    self.warnings = warnings
    self.attainment = attainment
  }

  /// Writes the header `metric,value,unit` and every row.
  public func write(to writer: inout CSVWriter) throws {
    try rows.write(to: &writer)
  }

  /// The value of `metric`, if present.
  public subscript(metric: String) -> String? { rows[metric: metric] }
}
