import KetasimCore
import KetasimRender

extension Preview {
  /// The population run of `body` (`/api/population`): the bands CSV, the
  /// read-out (the probability of reaching each level, peak percentiles) or
  /// the bands picture, as `ketasim population` writes them.
  ///
  /// - Throws: ``KetasimError`` for more than
  ///   ``PopulationBody/maximumSubjects`` subjects, a bad seed, variability or
  ///   percentile list, or any error of the scenario.
  public func population(_ body: PopulationBody, format: OutputFormat) throws -> [UInt8] {
    let subjects = body.subjects ?? 500
    guard (1...PopulationBody.maximumSubjects).contains(subjects) else {
      throw KetasimError.invalidValue(
        "subjects", "\(subjects)", accepted: "1 to \(PopulationBody.maximumSubjects) virtual subjects in a page request"
      )
    }
    let scenario = try body.scenario.resolve(limits: limits)
    guard !scenario.regimen.hasSteadyState else {
      throw KetasimError.invalidValue("dosing", "steady state", accepted: "doses starting from an empty patient")
    }
    let (subject, grid) = (scenario.subject, scenario.grid)
    try limits.check(subjects: subjects, times: grid.count)
    let seed = body.seed ?? 1
    var design = PopulationDesign(
      model: subject.definition, ke0Override: subject.ke0Override, variability: BetweenSubjectVariability(),
      covariates: .fixed(subject.patient), seed: seed)
    design.inputFraction = subject.inputFraction
    design.variability = try BetweenSubjectVariability(parsing: body.iiv, for: subject)
    let percentiles = try body.percentiles.map { try PercentileList(parsing: $0) } ?? .standard
    let simulation = try PopulationSimulation(
      design: design, totalSubjects: subjects, grid: grid, thresholds: subject.thresholds,
      percentiles: percentiles, doses: scenario.label, threads: 1, endpoints: subject.endpoints
    ) { patient in try scenario.schedule(forWeight: patient.weightKilograms) }
    switch format {
    case .csv:
      return try CSVBytes.write { writer in try PopulationOutput.writeBands(simulation, to: &writer) }
    case .json:
      var summary = PopulationSummary(layout: simulation.layout)
      try simulation.streamSubjectRows(progress: { _ in }, { summary.add($0) })
      let rows = summary.rows.map { Summary.Row(metric: $0.metric, value: $0.value, unit: $0.unit) }
      return try JSONBytes.encode(PopulationReadout(readout: rows, lines: summary.lines, disclaimer: Self.disclaimer))
    case .svg, .png, .pdf:
      try limits.check(
        memory: ResourceLimits.plotMemory(points: grid.count * (percentiles.values.count + 1)), of: "the picture")
      let rows = try PopulationOutput.bandRows(simulation)
      let weight = ClinicalFormat.amount(subject.patient.weightKilograms)
      var data = BandPlotData(
        title: "\(subject.definition.id), \(subjects) virtual patients, \(weight) kg: \(scenario.label)",
        layout: simulation.layout, rows: rows)
      data.rates = scenario.schedule.rateSteps(through: grid.end)
      data.boluses = scenario.schedule.bolusMinutes(through: grid.end)
      data.footer = "\(subject.definition.name) · \(subjects) subjects, seed \(seed) · " + ClinicalFormat.today
      return try PictureRenderer.render(BandPlot(data), as: format.picture ?? .svg, label: "the bands picture")
    }
  }

  /// The population read-out as JSON.
  public struct PopulationReadout: Codable, Sendable, Equatable {
    public var readout: [Summary.Row]
    /// The summary lines `ketasim population` prints.
    public var lines: [String]
    public var disclaimer: String
  }
}
