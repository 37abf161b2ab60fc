import KetasimCore
import KetasimRender

extension Preview {
  /// The picture of `body` in `format` (`/api/plot`): one profile as
  /// `ketasim simulate --plot` draws it (Cp, Ce, thresholds, rate panel,
  /// warnings), several on the same axes as `ketasim compare --plot`.
  public func picture(_ body: ComparisonBody, format: PictureFormat) throws -> [UInt8] {
    let runs = try body.resolve(limits: limits)
    let points = runs.reduce(0) { $0 + $1.scenario.grid.count }
    try limits.check(memory: ResourceLimits.plotMemory(points: points), of: "the picture")
    if runs.count == 1, let scenario = runs.first?.scenario {
      var data: PlotData
      switch try scenario.run() {
      case .mammillary(let simulation): data = Self.plotData(simulation, scenario)
      case .general(let simulation): data = Self.plotData(simulation, scenario)
      }
      data.logarithmic = body.logarithmic ?? false
      return try PictureRenderer.render(ConcentrationPlot(data), as: format, label: "the picture")
    }
    let table = try comparisonTable(runs)
    let weight = ClinicalFormat.amount(runs[0].scenario.patient.weightKilograms)
    let definition = runs[0].scenario.subject.definition
    let times = runs[0].scenario.grid.times
    var data = table.plotData(
      at: times, title: "\(weight) kg, \(definition.id): " + runs.map(\.label).joined(separator: " vs "))
    data.warnings = zip(runs, table.summaries).flatMap { run, summary in
      summary.warnings.map { "\(run.label): \($0)" }
    }
    data.footer = "\(weight) kg · \(definition.name) · " + ClinicalFormat.today
    data.logarithmic = body.logarithmic ?? false
    return try PictureRenderer.render(OverlayPlot(data), as: format, label: "the picture")
  }

  /// The comparison CSV of `body` (`/api/compare`): one row per profile
  /// with every read-out metric, as `ketasim compare` writes it, or with
  /// `series` the long-format time series of `ketasim compare --series`.
  public func comparisonCSV(_ body: ComparisonBody, series: Bool) throws -> [UInt8] {
    let runs = try body.resolve(limits: limits)
    let table = try comparisonTable(runs)
    return try CSVBytes.write { writer in
      if series {
        try table.writeSeries(at: runs[0].scenario.grid.times, to: &writer)
      } else {
        try table.writeSummary(to: &writer)
      }
    }
  }

  private func comparisonTable(_ runs: [(label: String, scenario: Scenario)]) throws -> ComparisonTable {
    let arms = try runs.map { label, scenario in
      let subject = scenario.subject
      return ComparisonTable.Arm(
        regimen: label, model: subject.definition, patient: subject.patient, run: try scenario.run(),
        thresholds: subject.thresholds, ke0Source: subject.ke0Source, syringe: scenario.syringe,
        endpoints: subject.endpoints)
    }
    return ComparisonTable(arms: arms, end: runs[0].scenario.grid.end)
  }

  /// One profile's picture data, as `ketasim simulate --plot` builds it.
  static func plotData<System>(_ simulation: ExactSimulation<System>, _ scenario: Scenario) -> PlotData {
    let subject = scenario.subject
    let (definition, patient) = (subject.definition, subject.patient)
    let weight = ClinicalFormat.amount(patient.weightKilograms)
    var data = PlotData(
      title: "\(definition.id), \(weight) kg: \(scenario.label)", simulation: simulation, grid: scenario.grid,
      thresholds: subject.thresholds)
    data.warnings =
      RunWarnings(
        simulation: simulation, end: scenario.grid.end, model: definition, patient: patient,
        thresholds: subject.thresholds
      ).messages
    let given = simulation.schedule.milligramsGiven(through: scenario.grid.end)
    data.footer =
      "\(weight) kg · \(definition.name) · \(ClinicalFormat.amount(given)) mg "
      + "(\(ClinicalFormat.amount(given / patient.weightKilograms)) mg/kg) · " + ClinicalFormat.today
    return data
  }
}
