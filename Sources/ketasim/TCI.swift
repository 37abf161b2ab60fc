import ArgumentParser
import KetasimCore
import KetasimRender

/// `ketasim tci`: the pump rates that reach and hold target concentrations.
struct TCI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tci",
    abstract: "Plan a target-controlled infusion: the pump rates that reach and hold plasma or effect-site targets.",
    discussion: """
      Targets (repeat --target for steps up or down, one after the other from time zero): \
      '150 ng/mL for 2 h', '0.1 ug/mL for 30 min'; the last may be open-ended ('100 ng/mL') and then lasts to \
      the end of --duration. Every --period the pump rate is set so that the predicted plasma concentration \
      at the end of the period equals the target (--site plasma), or so that the predicted effect-site peak \
      equals it (--site effect; Shafer and Gregg 1992). Rates stay within 0 and --max-rate. Output: one row per \
      pump period (and per --step time); each row's rate holds until the next row.
      """
  )

  @OptionGroup(title: "Model and patient")
  var subject: SubjectOptions

  @OptionGroup(title: "Time grid")
  var time: GridOptions

  @Option(
    name: .customLong("target"), parsing: .unconditionalSingleValue,
    help: "A target step, such as '150 ng/mL for 2 h'; repeatable; the last may omit 'for'.",
    transform: { Typed(text: $0, value: try TargetStep(parsing: $0)) })
  var targets: [Typed<TargetStep>] = []

  @Option(
    help: TargetSite.help("Where to target; effect needs a model with a ke0, or --ke0", default: .plasma),
    transform: TargetSite.parse)
  var site = TargetSite.plasma

  @Option(
    parsing: .unconditional, help: "Syringe concentration in mg/mL: adds rate_ml_per_h and volumes in mL.",
    transform: InputParsing.positiveNumber("syringe", "a positive concentration in mg/mL, such as 10"))
  var syringe: Double?

  @Option(
    name: .customLong("max-rate"), parsing: .unconditional,
    help: "Pump maximum, such as '1200 mL/h' (needs --syringe) or '500 mg/h'; a bare number is mL/h.")
  var maxRate: String?

  @Option(
    parsing: .unconditional, help: "How often the pump rate may change, such as '5 s' (default: 10 s).",
    transform: InputParsing.typedDuration("period"))
  var period = Typed(text: "10 s", value: ClockTime(microseconds: 10_000_000))

  @Option(help: "Write the CSV to this file (atomically) instead of stdout.")
  var output: String?

  @Option(
    name: .customLong("export-events"),
    help: """
      Also write the planned infusions as a NONMEM-style event table (TIME in h, AMT mg, RATE mg/h), \
      which 'ketasim simulate --events FILE' replays.
      """)
  var exportEvents: String?

  @Flag(help: "Print the read-out (metric,value,unit CSV) instead of the schedule.")
  var summary = false

  @Option(help: "Also write a picture of the schedule (Cp, Ce, targets, pump rate) to this file: .svg, .png or .pdf.")
  var plot: String?

  @Flag(help: "Do not print the summary line on stderr.")
  var quiet = false

  @OptionGroup(title: "Resource limits")
  var limitOptions: LimitOptions

  /// Every target but the last needs a duration ('for 30 min').
  func validate() throws {
    guard !targets.isEmpty else {
      throw KetasimError.invalidValue("target", "", accepted: "at least one --target, such as '150 ng/mL for 2 h'")
    }
    if let open = targets.dropLast().first(where: { $0.value.duration == nil }) {
      throw KetasimError.invalidValue(
        "target", open.text, accepted: "a duration ('for 30 min') on every target but the last")
    }
  }

  func run() throws {
    try OutputPaths.checkDistinct(
      [("--output", output), ("--export-events", exportEvents), ("--plot", plot)],
      inputs: subject.model.map { [("model file", $0)] } ?? [])
    let plotFormat = try OutputPaths.plotFormat(plot)
    let resolved = try subject.resolve()
    let grid = try time.grid()
    let steps = targets.map(\.value)
    try resolved.limits?.check(steps)
    let pump = try InputParsing.quotingInput(["period": period.text]) {
      try InfusionPump(
        period: period.value,
        maximumMilligramsPerMinute: try maxRate.map {
          try InfusionPump.maximumRate(parsing: $0, syringeMilligramsPerMilliliter: syringe)
        },
        syringeMilligramsPerMilliliter: syringe)
    }
    // The plan on the model's own engine: a metabolite is shown beside plasma, not targeted.
    switch resolved.individual {
    case .mammillary(let parameters):
      try produce(
        try TargetControlledInfusion(
          disposition: Disposition(parameters), site: site.site, targets: steps, pump: pump, through: grid.end),
        resolved: resolved, grid: grid, plotFormat: plotFormat)
    case .general(let structure):
      try produce(
        try TargetControlledInfusion(
          disposition: try GeneralDisposition(checking: structure, name: resolved.definition.id), site: site.site,
          targets: steps, pump: pump, through: grid.end),
        resolved: resolved, grid: grid, plotFormat: plotFormat)
    }
  }

  /// Writes the outputs of `infusion` planned for `resolved`.
  private func produce<System>(
    _ infusion: TargetControlledInfusion<System>, resolved: ScenarioSubject, grid: TimeGrid,
    plotFormat: PictureFormat?
  ) throws {
    let steps = targets.map(\.value)
    if let exportEvents {
      try AtomicFile.write(to: exportEvents) { sink in
        var writer = CSVWriter(sink: sink)
        try EventTable(schedule: infusion.schedule, file: exportEvents).write(to: &writer, timeUnit: .hours)
      }
    }
    try limitOptions.limits.check(rows: infusion.periods.count + grid.count, of: "the schedule")
    if let plot {
      try limitOptions.limits.check(memory: ResourceLimits.plotMemory(points: grid.count), of: "the picture")
      let targets = Set(steps.map(\.nanogramsPerMilliliter)).sorted().map {
        NamedThreshold(name: "target", nanogramsPerMilliliter: $0)
      }
      let title =
        "tci \(resolved.definition.id), \(InputParsing.format(resolved.patient.weightKilograms)) kg, "
        + "\(site.site == .plasma ? "plasma" : "effect-site") targets "
        + steps.map { InputParsing.format($0.nanogramsPerMilliliter) }.joined(separator: ", ") + " ng/mL"
      var data = PlotData(
        title: title, simulation: infusion.simulation, grid: grid, thresholds: resolved.thresholds + targets)
      data.warnings =
        RunWarnings(
          simulation: infusion.simulation, end: infusion.end, model: resolved.definition, patient: resolved.patient,
          thresholds: resolved.thresholds
        ).messages
      let bytes = try PictureRenderer.render(ConcentrationPlot(data), as: plotFormat ?? .svg, label: plot)
      try AtomicFile.write(to: plot) { sink in try sink(bytes) }
    }
    guard summary || !quiet else {
      try Terminal.emit(to: output) { sink in
        var writer = CSVWriter(sink: sink)
        try infusion.writeSchedule(to: &writer, grid: grid)
      }
      return
    }
    let table = TCISummary(
      infusion, model: resolved.definition, patient: resolved.patient, thresholds: resolved.thresholds,
      ke0Source: resolved.ke0Source)
    try Terminal.emit(to: output) { sink in
      var writer = CSVWriter(sink: sink)
      if summary { try table.write(to: &writer) } else { try infusion.writeSchedule(to: &writer, grid: grid) }
    }
    guard !quiet else { return }
    for warning in table.warnings { Terminal.note("ketasim: warning: \(warning)") }
    Terminal.note(line(infusion, table, resolved))
  }

  /// The one-line summary for stderr.
  private func line<System>(
    _ infusion: TargetControlledInfusion<System>, _ table: TCISummary, _ resolved: ScenarioSubject
  )
    -> String
  {
    let total = infusion.schedule.totalMilligrams
    var text =
      "ketasim: tci \(resolved.definition.id), \(InputParsing.format(resolved.patient.weightKilograms)) kg, "
      + "\(infusion.site == .plasma ? "plasma" : "effect site"): total dose \(InputParsing.format(total)) mg"
    if let strength = infusion.pump.syringeMilligramsPerMilliliter {
      text += " (\(InputParsing.format(total / strength)) mL)"
    }
    for met in table.attainment {
      let within = met.timeToWithin5Percent.map { "within 5 % at \(InputParsing.format($0)) min" } ?? "not within 5 %"
      text +=
        "; target \(met.step + 1) \(InputParsing.format(met.target)) ng/mL: \(within), "
        + "overshoot \(InputParsing.format(met.overshoot)) ng/mL"
    }
    return text + " (population-model estimate, not a medical device)"
  }
}
