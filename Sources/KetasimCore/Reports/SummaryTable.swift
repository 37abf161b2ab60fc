/// The clinical read-out of one run as a `metric,value,unit` CSV.
///
/// Rows: the model and patient; total dose (mg, mg/kg) and, with a syringe,
/// volume (mL); for plasma (`cp_`) and, when the model has an effect site,
/// for it (`ce_`): `max` (ng/mL), `tmax` (min), `auc` (ng*min/mL), and for
/// each threshold T `time_above_T`, `first_above_T`, `last_above_T` (min;
/// empty when never above); the time after the last administration until
/// plasma falls below `awakening` and `analgesia`; the effect-site rate
/// constant and where it came from; for a model with metabolites, each
/// one's `max`, `tmax` and `auc` in its unit (prefix: its name, `_molar`
/// added for nmol/mL) and, for a series, `session_K_max` and
/// `session_K_trough` (just before session K + 1); for each effect endpoint
/// its C50, ke0, effect-site peak, onset, offset and time above C50; and one
/// `warnings` row.
public struct SummaryTable: Sendable {
  /// One row: metric, value (number or text, empty when not applicable), unit.
  public typealias Row = MetricRow

  public let rows: [Row]
  /// Warnings also meant for stderr.
  public let warnings: [String]

  /// - Parameters:
  ///   - ke0Source: how the effect site came about, e.g. "published" or
  ///     "--ke0 override"; ignored without an effect site.
  ///   - syringe: drug concentration in the syringe (mg/mL), if any.
  @_specialize(where System == Disposition)
  @_specialize(where System == GeneralDisposition)
  public init<System>(
    simulation: ExactSimulation<System>, end: ClockTime, model: ModelDefinition, patient: Patient,
    thresholds: [NamedThreshold], ke0Source: String, syringe: Double?,
    endpoints: [ScenarioSubject.Endpoint] = []
  ) {
    var rows: [Row] = []
    func add(_ metric: String, _ value: Double?, _ unit: String) {
      rows.append(Row(metric: metric, value: value.map { $0.description } ?? "", unit: unit))
    }
    rows.append(Row(metric: "model", value: model.id, unit: ""))
    add("weight", patient.weightKilograms, "kg")
    if let age = patient.ageYears { add("age", age, "y") }
    add("duration", end.minutes, "min")
    let total = simulation.schedule.milligramsGiven(through: end)
    add("total_dose", total, "mg")
    add("total_dose_per_kg", total / patient.weightKilograms, "mg/kg")
    if let syringe { add("total_volume", total / syringe, "mL") }

    var peaks: [(site: CurveReadout.Site, time: Double, value: Double)] = []
    var sites: [CurveReadout.Site] = [.plasma]
    let observations = simulation.disposition.observations
    if let effect = simulation.disposition.observation(.effectSite) {
      let ke0 = -simulation.disposition.stateMatrix.rows[effect.stateIndex][effect.stateIndex]
      sites.append(.effectSite)
      add("ke0", ke0, "1/min")
      rows.append(Row(metric: "ke0_source", value: ke0Source, unit: ""))
    } else {
      rows.append(
        Row(metric: "ke0_source", value: "none: \(model.id) has no published ke0 (set one with --ke0)", unit: ""))
    }
    let plasma = ExactCurve(simulation, site: .plasma, through: end)
    for site in sites {
      let curve = site == .plasma ? plasma : ExactCurve(simulation, site: site, through: end)
      let readout = CurveReadout(curve, site: site, thresholds: thresholds)
      let p = site.rawValue
      add("\(p)_max", readout.maximum, "ng/mL")
      add("\(p)_tmax", readout.timeOfMaximum, "min")
      add("\(p)_auc", readout.areaUnderCurve, "ng*min/mL")
      for times in readout.thresholds {
        let name = times.threshold.name
        add("\(p)_threshold_\(name)", times.threshold.nanogramsPerMilliliter, "ng/mL")
        add("\(p)_time_above_\(name)", times.minutesAbove, "min")
        add("\(p)_first_above_\(name)", times.firstAbove, "min")
        add("\(p)_last_above_\(name)", times.lastAbove, "min")
      }
      peaks.append((site, readout.timeOfMaximum, readout.maximum))
    }
    let endpointSites = Set(endpoints.map(\.site))
    for observation in observations where !observation.site.isParent && !endpointSites.contains(observation.site) {
      let curve = ExactCurve(simulation, observation: observation, through: end)
      let unit = observation.unit.rawValue
      let p = observation.site.rawValue + (observation.unit == .nanomolesPerMillilitre ? "_molar" : "")
      let (time, value) = curve.maximum()
      add("\(p)_max", value, unit)
      add("\(p)_tmax", time, "min")
      add("\(p)_auc", curve.areaUnderCurve(), unit.replacingOccurrences(of: "/", with: "*min/"))
      // Accumulation over a series: each session's peak and the trough just before the next one.
      let sessions = SessionSheet.sessions(of: simulation.schedule, end: end.minutes)
      guard sessions.count > 1 else { continue }
      for (k, session) in sessions.enumerated() {
        add("\(p)_session_\(k + 1)_max", curve.extremes(from: session.start, to: session.end).maximum.value, unit)
        if k + 1 < sessions.count {
          add("\(p)_session_\(k + 1)_trough", curve.extremes(from: session.end, to: session.end).minimum.value, unit)
        }
      }
    }
    for endpoint in endpoints {
      guard let observation = simulation.disposition.observation(endpoint.site) else { continue }
      let curve = ExactCurve(simulation, observation: observation, through: end)
      let p = endpoint.endpoint.id
      let (time, value) = curve.maximum()
      if let c50 = endpoint.c50NanogramsPerMilliliter { add("\(p)_c50", c50, "ng/mL") }
      if let ke0 = endpoint.endpoint.ke0PerMinute { add("\(p)_ke0", ke0, "1/min") }
      add("\(p)_ce_max", value, "ng/mL")
      add("\(p)_ce_tmax", time, "min")
      // The link is monotone in the concentration, so the effect is most extreme at the concentration peak.
      for (column, effect) in zip(endpoint.endpoint.effectColumns, endpoint.effects(at: value)) {
        add("\(column)_at_peak", effect, endpoint.endpoint.effectUnit ?? "")
      }
      guard let level = endpoint.level else { continue }
      if let effect = endpoint.effectLevel {
        add("\(p)_level", level.nanogramsPerMilliliter, "ng/mL")
        add("\(p)_level_effect", effect, endpoint.endpoint.effectUnit ?? "")
      }
      let times = curve.timesAbove(level)
      add("\(p)_onset", times.firstAbove, "min")
      add("\(p)_offset", times.lastAbove, "min")
      add("\(p)_time_above_\(level.name)", times.minutesAbove, "min")
    }
    let stop = simulation.schedule.end
    for name in ["awakening", "analgesia"] {
      guard let threshold = thresholds.first(where: { $0.name == name }) else { continue }
      add(
        "cp_time_below_\(name)_after_last_dose",
        plasma.minutesUntilBelow(threshold.nanogramsPerMilliliter, after: stop), "min")
    }
    let warnings =
      RunWarnings(
        simulation: simulation, end: end, model: model, patient: patient, thresholds: thresholds, peaks: peaks
      ).messages
    rows.append(Row(metric: "warnings", value: warnings.joined(separator: "; "), unit: ""))
    self.rows = rows
    self.warnings = warnings
  }

  /// Writes the header `metric,value,unit` and every row.
  public func write(to writer: inout CSVWriter) throws {
    try rows.write(to: &writer)
  }

  /// The value of `metric`, if present.
  public subscript(metric: String) -> String? { rows[metric: metric] }
}
