/// Several runs of one patient side by side (regimens × models): a summary
/// with one row per run and one column per read-out metric, a long-format
/// time series, and the data of an overlay picture.
///
/// Each run's metrics are those of its own ``SummaryTable``, with the same
/// text: a row of the comparison equals the `metric,value,unit` read-out of
/// the same run simulated alone.
package struct ComparisonTable {
  /// One run: a regimen label, a model, and what the read-out needs.
  package struct Arm {
    /// The regimen's label (its id, or the label of a dose set).
    package var regimen: String
    package var model: ModelDefinition
    package var patient: Patient
    /// The run, on whichever engine its model needs.
    package var run: ScenarioRun
    package var thresholds: [NamedThreshold]
    /// Where the effect site came from (see ``SummaryTable``).
    package var ke0Source: String
    /// Syringe strength (mg/mL), for the volume row.
    package var syringe: Double?
    /// Effect endpoints, read out as ``SummaryTable`` does.
    package var endpoints: [ScenarioSubject.Endpoint]

    package init(
      regimen: String, model: ModelDefinition, patient: Patient, run: ScenarioRun,
      thresholds: [NamedThreshold], ke0Source: String, syringe: Double?, endpoints: [ScenarioSubject.Endpoint] = []
    ) {
      self.regimen = regimen
      self.model = model
      self.patient = patient
      self.run = run
      self.thresholds = thresholds
      self.ke0Source = ke0Source
      self.syringe = syringe
      self.endpoints = endpoints
    }

    /// An arm of a mammillary model.
    package init(
      regimen: String, model: ModelDefinition, patient: Patient, simulation: Simulation,
      thresholds: [NamedThreshold], ke0Source: String, syringe: Double?
    ) {
      self.init(
        regimen: regimen, model: model, patient: patient, run: .mammillary(simulation), thresholds: thresholds,
        ke0Source: ke0Source, syringe: syringe)
    }

    /// The read-out of this arm over `[0, end]`.
    func summary(end: ClockTime) -> SummaryTable {
      switch run {
      case .mammillary(let simulation): return summary(simulation, end: end)
      case .general(let simulation): return summary(simulation, end: end)
      }
    }

    private func summary<System>(_ simulation: ExactSimulation<System>, end: ClockTime) -> SummaryTable {
      SummaryTable(
        simulation: simulation, end: end, model: model, patient: patient, thresholds: thresholds,
        ke0Source: ke0Source, syringe: syringe, endpoints: endpoints)
    }

    /// The arm's concentrations at `times`: one column per observation, in its unit, and the total infusion
    /// rate (mg/min) in effect from each time on.
    func observed(at times: [ClockTime]) -> (columns: [(observation: Observation, values: [Double])], rates: [Double]) {
      switch run {
      case .mammillary(let simulation): return Self.observed(simulation, at: times)
      case .general(let simulation): return Self.observed(simulation, at: times)
      }
    }

    private static func observed<System>(_ simulation: ExactSimulation<System>, at times: [ClockTime])
      -> (columns: [(observation: Observation, values: [Double])], rates: [Double])
    {
      let observations = simulation.disposition.observations
      var values = observations.map { _ in [Double]() }
      var rates: [Double] = []
      simulation.forEachState(at: times) { _, state, rate in
        for (k, observation) in observations.enumerated() {
          values[k].append(observation.nanogramsPerMilliliter(state))
        }
        rates.append(rate)
      }
      return (zip(observations, values).map { ($0, $1) }, rates)
    }

    /// What the arm's model reports (``observed(at:)``'s columns).
    var observations: [Observation] {
      switch run {
      case .mammillary(let simulation): return simulation.disposition.observations
      case .general(let simulation): return simulation.disposition.observations
      }
    }

    /// The dosing schedule.
    var schedule: DosingSchedule {
      switch run {
      case .mammillary(let simulation): return simulation.schedule
      case .general(let simulation): return simulation.schedule
      }
    }
  }

  package let arms: [Arm]
  /// End of the read-out window (min from the start of the run).
  package let end: ClockTime
  /// The read-out of each arm, in arm order.
  package let summaries: [SummaryTable]

  package init(arms: [Arm], end: ClockTime) {
    self.arms = arms
    self.end = end
    summaries = arms.map { $0.summary(end: end) }
  }

  /// The column name of a metric: the metric, then its unit (`cp_max` in
  /// ng/mL is `cp_max_ng_per_ml`, `cp_auc` in ng*min/mL is
  /// `cp_auc_ng_min_per_ml`, `ke0` in 1/min is `ke0_per_min`).
  package static func columnName(metric: String, unit: String) -> String {
    guard !unit.isEmpty else { return metric }
    var suffix = unit.lowercased()
    if suffix.hasPrefix("1/") { suffix = "per_" + suffix.dropFirst(2) }
    suffix = suffix.replacingOccurrences(of: "/", with: "_per_").replacingOccurrences(of: "*", with: "_")
    return metric + "_" + suffix
  }

  /// The summary's metric columns (after `regimen` and `model`): every
  /// metric of any arm, in the order first met, `model` left out.
  package var metricColumns: [(metric: String, unit: String, name: String)] {
    var seen: Set<String> = ["model"]
    var columns: [(metric: String, unit: String, name: String)] = []
    for summary in summaries {
      for row in summary.rows where seen.insert(row.metric).inserted {
        columns.append((row.metric, row.unit, ComparisonTable.columnName(metric: row.metric, unit: row.unit)))
      }
    }
    return columns
  }

  /// Writes `regimen,model,METRIC_UNIT...` and one row per arm; a metric an
  /// arm does not have (such as `ce_max` without an effect site) is empty.
  package func writeSummary(to writer: inout CSVWriter) throws {
    let columns = metricColumns
    try writer.writeRow(["regimen", "model"] + columns.map(\.name))
    for (arm, summary) in zip(arms, summaries) {
      var values: [String: String] = [:]
      for row in summary.rows { values[row.metric] = row.value }
      try writer.writeRow([arm.regimen, arm.model.id] + columns.map { values[$0.metric] ?? "" })
    }
    try writer.flush()
  }

  /// Writes the long-format time series: `regimen,model,time_min,
  /// rate_mg_per_h,cp_ng_per_ml`, then every other observation any arm has
  /// in the order first met (`ce_ng_per_ml`, a metabolite's `nk_ng_per_ml`
  /// and `nk_nmol_per_ml`), empty for arms without it; one row per arm and
  /// time, arm by arm.
  package func writeSeries(at times: [ClockTime], to writer: inout CSVWriter) throws {
    var names: [String] = []
    for arm in arms {
      for name in arm.observations.map(\.columnName) where !names.contains(name) { names.append(name) }
    }
    try writer.writeRow(["regimen", "model", "time_min", "rate_mg_per_h"] + names)
    // One arm's values at a time, so that memory holds one arm's series, not all of them.
    for arm in arms {
      let values = arm.observed(at: times)
      let prefix = CSVWriter.RowPrefix([arm.regimen, arm.model.id])
      let columns = names.map { name in values.columns.first { $0.observation.columnName == name }?.values }
      var row = [Double?](repeating: nil, count: 2 + names.count)
      for (index, time) in times.enumerated() {
        row[0] = time.minutes
        row[1] = values.rates[index] * 60
        for (k, column) in columns.enumerated() { row[2 + k] = column?[index] }
        try writer.writeRow(prefix: prefix, values: row)
      }
    }
    try writer.flush()
  }

  /// The overlay picture of every arm at `times`, labelled `regimen / model`,
  /// with each arm's infusion rate (mg/h) up to the last time.
  package func plotData(at times: [ClockTime], title: String) -> OverlayPlotData {
    let series = arms.map { arm in
      let columns = arm.observed(at: times).columns
      func values(_ site: Observation.Site) -> [Double]? { columns.first { $0.observation.site == site }?.values }
      var series = OverlayPlotData.Series(
        label: "\(arm.regimen) / \(arm.model.id)", plasma: values(.plasma) ?? [], effectSite: values(.effectSite))
      // A metabolite or an endpoint's site in ng/mL (not a molar twin) as a dotted curve.
      series.others = columns.filter { !$0.observation.site.isParent && $0.observation.unit == .nanogramsPerMillilitre }
        .map { ($0.observation.site.rawValue, $0.values) }
      series.rates = arm.schedule.rateSteps(through: times.last ?? end)
      return series
    }
    return OverlayPlotData(
      title: title, timesMinutes: times.map(\.minutes), series: series,
      thresholds: (arms.first?.thresholds ?? []).map { ($0.name, $0.nanogramsPerMilliliter) })
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
