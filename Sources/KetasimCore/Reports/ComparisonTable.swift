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
    package var simulation: Simulation
    package var thresholds: [NamedThreshold]
    /// Where the effect site came from (see ``SummaryTable``).
    package var ke0Source: String
    /// Syringe strength (mg/mL), for the volume row.
    package var syringe: Double?

    package init(
      regimen: String, model: ModelDefinition, patient: Patient, simulation: Simulation,
      thresholds: [NamedThreshold], ke0Source: String, syringe: Double?
    ) {
      self.regimen = regimen
      self.model = model
      self.patient = patient
      self.simulation = simulation
      self.thresholds = thresholds
      self.ke0Source = ke0Source
      self.syringe = syringe
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
    summaries = arms.map {
      SummaryTable(
        simulation: $0.simulation, end: end, model: $0.model, patient: $0.patient, thresholds: $0.thresholds,
        ke0Source: $0.ke0Source, syringe: $0.syringe)
    }
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

  /// Whether any arm's model has an effect site.
  package var hasEffectSite: Bool { arms.contains { $0.simulation.disposition.effectSiteIndex != nil } }

  /// Writes the long-format time series: `regimen,model,time_min,
  /// rate_mg_per_h,cp_ng_per_ml` (and `ce_ng_per_ml`, empty for models
  /// without an effect site), one row per arm and time, arm by arm.
  package func writeSeries(at times: [ClockTime], to writer: inout CSVWriter) throws {
    let effectColumn = hasEffectSite
    try writer.writeRow(
      ["regimen", "model", "time_min", "rate_mg_per_h", "cp_ng_per_ml"] + (effectColumn ? ["ce_ng_per_ml"] : []))
    for arm in arms {
      let (plasma, effect) = (arm.simulation.disposition.plasma, arm.simulation.disposition.effectSite)
      let prefix = CSVWriter.RowPrefix([arm.regimen, arm.model.id])
      var values = [Double?](repeating: nil, count: effectColumn ? 4 : 3)
      try arm.simulation.forEachState(at: times) { time, state, rate in
        values[0] = time.minutes
        values[1] = rate * 60
        values[2] = plasma.nanogramsPerMilliliter(state)
        if effectColumn { values[3] = effect?.nanogramsPerMilliliter(state) }
        try writer.writeRow(prefix: prefix, values: values)
      }
    }
    try writer.flush()
  }

  /// The overlay picture of every arm at `times`, labelled `regimen / model`,
  /// with each arm's infusion rate (mg/h) up to the last time.
  package func plotData(at times: [ClockTime], title: String) -> OverlayPlotData {
    let series = arms.map { arm in
      let (cp, ce) = (arm.simulation.disposition.plasma, arm.simulation.disposition.effectSite)
      var plasma: [Double] = []
      var effectSite: [Double] = []
      arm.simulation.forEachState(at: times) { _, state, _ in
        plasma.append(cp.nanogramsPerMilliliter(state))
        if let ce { effectSite.append(ce.nanogramsPerMilliliter(state)) }
      }
      var series = OverlayPlotData.Series(
        label: "\(arm.regimen) / \(arm.model.id)", plasma: plasma, effectSite: ce == nil ? nil : effectSite)
      series.rates = arm.simulation.schedule.rateSteps(through: times.last ?? end)
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
