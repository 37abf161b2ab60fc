import KetasimCore
import KetasimRender

extension Preview {
  /// The target-controlled infusion plan of `body` (`/api/tci`): the pump
  /// schedule CSV, the read-out (time to within 5 %, overshoot, doses) or the
  /// schedule's picture (Cp, Ce, targets, pump rate), as `ketasim tci` writes them.
  public func tci(_ body: TCIBody, format: OutputFormat) throws -> [UInt8] {
    var request = try body.scenario.scenarioRequest()
    request.doses = []
    let subject = try body.scenario.quotingNumbers { try request.subject() }
    let grid = try request.grid(for: [])
    let steps = try body.targets.map { try TargetStep(parsing: $0) }
    try subject.limits?.check(steps)
    let period =
      try body.period.map { try ClockTime(parsingDuration: $0, what: "period") } ?? InfusionPump.defaultPeriod
    let syringe = body.scenario.syringeMilligramsPerMilliliter
    let pump = try InfusionPump(
      period: period,
      maximumMilligramsPerMinute: try body.maximumRate.map {
        try InfusionPump.maximumRate(parsing: $0, syringeMilligramsPerMilliliter: syringe)
      },
      syringeMilligramsPerMilliliter: syringe)
    let site: CurveReadout.Site
    switch body.site?.lowercased() ?? "plasma" {
    case "plasma", "cp": site = .plasma
    case "effect", "effect-site", "ce": site = .effectSite
    default: throw KetasimError.invalidValue("site", body.site ?? "", accepted: "plasma or effect")
    }
    switch subject.individual {
    case .mammillary(let parameters):
      let plan = try TargetControlledInfusion(
        disposition: Disposition(parameters), site: site, targets: steps, pump: pump, through: grid.end)
      return try tciOutput(plan, subject: subject, grid: grid, format: format)
    case .general(let structure):
      let plan = try TargetControlledInfusion(
        disposition: try GeneralDisposition(checking: structure, name: subject.definition.id), site: site,
        targets: steps, pump: pump, through: grid.end)
      return try tciOutput(plan, subject: subject, grid: grid, format: format)
    }
  }

  private func tciOutput<System>(
    _ plan: TargetControlledInfusion<System>, subject: ScenarioSubject, grid: TimeGrid, format: OutputFormat
  ) throws -> [UInt8] {
    try limits.check(rows: plan.periods.count + grid.count, of: "the schedule")
    switch format {
    case .csv:
      return try CSVBytes.write { writer in try plan.writeSchedule(to: &writer, grid: grid) }
    case .json:
      let table = TCISummary(
        plan, model: subject.definition, patient: subject.patient, thresholds: subject.thresholds,
        ke0Source: subject.ke0Source)
      return try JSONBytes.encode(
        Summary(
          model: .init(
            id: subject.definition.id, name: subject.definition.name, population: subject.definition.population,
            sampling: subject.definition.sampling.rawValue),
          readout: table.rows.map { .init(metric: $0.metric, value: $0.value, unit: $0.unit) }, sheet: [],
          warnings: table.warnings, notes: subject.notes, disclaimer: Self.disclaimer))
    case .svg, .png, .pdf:
      try limits.check(memory: ResourceLimits.plotMemory(points: grid.count), of: "the picture")
      let targets = Set(plan.steps.map(\.nanogramsPerMilliliter)).sorted().map {
        NamedThreshold(name: "target", nanogramsPerMilliliter: $0)
      }
      let weight = ClinicalFormat.amount(subject.patient.weightKilograms)
      var data = PlotData(
        title: "tci \(subject.definition.id), \(weight) kg, "
          + "\(plan.site == .plasma ? "plasma" : "effect-site") targets "
          + targets.map { ClinicalFormat.amount($0.nanogramsPerMilliliter) }.joined(separator: ", ") + " ng/mL",
        simulation: plan.simulation, grid: grid, thresholds: subject.thresholds + targets)
      data.warnings =
        RunWarnings(
          simulation: plan.simulation, end: plan.end, model: subject.definition, patient: subject.patient,
          thresholds: subject.thresholds
        ).messages
      data.footer = "\(weight) kg · \(subject.definition.name) · " + ClinicalFormat.today
      return try PictureRenderer.render(ConcentrationPlot(data), as: format.picture ?? .svg, label: "the picture")
    }
  }
}
