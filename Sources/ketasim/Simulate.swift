import ArgumentParser
import Foundation
import KetasimCore
import KetasimRender

/// `ketasim simulate`: one patient, one dosing profile, a CSV time course.
struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Simulate one patient and write the concentration-time course as CSV.",
    discussion: """
      Dose specs (repeat --dose for several): '1 mg/kg' (bolus at 0), '35 mg at 10 min', \
      '0.5 mg/kg over 40 min', '0.5 mg/kg over 40 min at 30 min', '0.15 mg/kg/h for 4 h at 30 min', \
      '41 ug/kg/min for 60 min', '2 mg/min for 10 min', '0.5 mg/kg over 40 min every 48 h x 6', \
      '50 mg HCl over 40 min' (hydrochloride, converted to base), '12 mL/h for 2 h' (with --syringe). \
      Times take s, min, h or d. Doses are mg of ketamine base. \
      --regimen takes a built-in regimen ('ketasim regimens') or a regimen file; --events a NONMEM-style \
      event table. Doses of every source add up; a regimen's patient, model and output settings are \
      defaults that options override.
      """
  )

  @OptionGroup
  var scenario: ScenarioOptions

  @Option(help: Kernel.help("Hot-loop kernel; all give the same values", default: .auto), transform: Kernel.parse)
  var kernel = Kernel.auto

  @Option(help: "Write the CSV to this file (atomically) instead of stdout.")
  var output: String?

  @Flag(help: "Print the read-out (metric,value,unit CSV) instead of the time series.")
  var summary = false

  @Flag(help: "Print the session sheet (plain language, clinically rounded) instead of the time series.")
  var report = false

  @Option(
    help: ArgumentHelp(
      "Significant digits of the time series' numbers, 1 to 17 (default: every digit, shortest round trip).",
      valueName: "n"),
    transform: { text in
      guard let digits = Int(text), (1...17).contains(digits) else {
        throw KetasimError.invalidValue("digits", text, accepted: "a whole number of significant digits from 1 to 17")
      }
      return digits
    })
  var digits: Int?

  @Option(help: "Also write the session sheet to this file: .md (Markdown), .html or .txt.")
  var reportTo: String?

  @Flag(
    help: ArgumentHelp(
      "Write rows at the sampling times (the event table's EVID 0 records, or the regimen's output times) "
        + "instead of the grid."))
  var observations = false

  @Option(help: "Also write the doses as a NONMEM-style event table (CSV, TIME in h, AMT in mg) to this file.")
  var exportEvents: String?

  @Option(help: "Also write an SVG picture of Cp (and Ce) with the thresholds and infusions to this file.")
  var plot: String?

  @OptionGroup
  var picture: PictureOptions

  @Flag(help: "Also print a compact chart of the time course on stderr.")
  var chart = false

  @Option(
    name: .customLong("effect"),
    help: ArgumentHelp(
      "Report an effect endpoint (repeatable; 'ketasim models effects' lists them): its site's concentration, "
        + "its effect where the relation is published, and the time above C50 (half-maximal effect) or above the "
        + "concentration of a chosen effect level, ID@LEVEL (e.g. ani@60).", valueName: "id[@level]"))
  var effects: [String] = []

  @Flag(help: "Do not print the summary on stderr.")
  var quiet = false

  @OptionGroup(title: "Resource limits")
  var limitOptions: LimitOptions

  func run() throws {
    try OutputPaths.checkDistinct(
      [("--output", output), ("--plot", plot), ("--export-events", exportEvents), ("--report-to", reportTo)],
      inputs: scenario.inputFiles)
    let sheetFormat = try reportTo.map(SessionSheet.Format.init(path:))
    let plotFormat = try OutputPaths.plotFormat(plot)
    let resolved = try scenario.resolve(effects: effects)
    if !quiet { resolved.printNotes() }
    let sampling = resolved.regimen.output.times
    if observations, sampling.isEmpty {
      throw KetasimError.invalidValue(
        "observations", "no sampling times",
        accepted: "an event table with EVID 0 records or a regimen with output times")
    }
    let grid = resolved.grid
    let limits = limitOptions.limits
    try limits.check(rows: observations ? sampling.count : grid.count, of: "the time course")
    if plot != nil || chart {
      try limits.check(memory: ResourceLimits.plotMemory(points: grid.count), of: "the picture")
    }
    switch try resolved.run() {
    case .mammillary(let simulation): try produce(simulation, resolved, sampling: sampling, sheetFormat, plotFormat)
    case .general(let simulation): try produce(simulation, resolved, sampling: sampling, sheetFormat, plotFormat)
    }
  }

  /// Writes every requested output of `simulation` (for a model with a
  /// metabolite, the picture and the session sheet show the parent).
  private func produce<System>(
    _ simulation: ExactSimulation<System>, _ resolved: Scenario, sampling: [ClockTime],
    _ sheetFormat: SessionSheet.Format?,
    _ plotFormat: PictureFormat?
  ) throws {
    let (definition, patient, thresholds) = (resolved.subject.definition, resolved.patient, resolved.subject.thresholds)
    let grid = resolved.grid
    let schedule = simulation.schedule
    if let exportEvents {
      let table = EventTable(regimen: resolved.regimen, weightKilograms: patient.weightKilograms, file: exportEvents)
      let unit = scenario.files.eventTimeUnit
      try AtomicFile.write(to: exportEvents) { sink in
        var writer = CSVWriter(sink: sink)
        try table.write(to: &writer, timeUnit: unit)
      }
    }
    // The summary computes the same warnings with its read-out; every other output shows them too.
    let warnings =
      summary && plot == nil && !chart
      ? []
      : RunWarnings(
        simulation: simulation, end: grid.end, model: definition, patient: patient, thresholds: thresholds
      ).messages
    if plot != nil || chart {
      let title = "\(definition.id), \(InputParsing.format(patient.weightKilograms)) kg: \(resolved.label)"
      var data = PlotData(title: title, simulation: simulation, grid: grid, thresholds: thresholds)
      data.warnings = warnings
      data.timeRange = picture.xRange
      let given = simulation.schedule.milligramsGiven(through: grid.end)
      data.footer =
        "\(InputParsing.format(patient.weightKilograms)) kg · \(definition.name) · "
        + "\(ClinicalFormat.amount(given)) mg (\(ClinicalFormat.amount(given / patient.weightKilograms)) mg/kg) · "
        + ClinicalFormat.today
      if let plot {
        var drawn = data
        drawn.logarithmic = picture.log
        let bytes = try PictureRenderer.render(ConcentrationPlot(drawn), as: plotFormat ?? .svg, label: plot)
        try AtomicFile.write(to: plot) { sink in try sink(bytes) }
      }
      if chart { Terminal.note(TerminalChart(data).text) }
    }

    if report || sheetFormat != nil {
      let sheet = SessionSheet(
        simulation: simulation, end: grid.end, model: definition, patient: patient, thresholds: thresholds,
        syringe: resolved.syringe, endpoints: resolved.subject.endpoints)
      if let reportTo, let sheetFormat {
        try AtomicFile.write(to: reportTo) { sink in try sink(Array(sheet.rendered(as: sheetFormat).utf8)) }
      }
      if report {
        try Terminal.emit(to: output) { sink in try sink(Array(sheet.text.utf8)) }
        if !quiet { for warning in sheet.warnings { Terminal.note("ketasim: warning: \(warning)") } }
        return
      }
    }
    if summary {
      let table = SummaryTable(
        simulation: simulation, end: grid.end, model: definition, patient: patient, thresholds: thresholds,
        ke0Source: resolved.subject.ke0Source, syringe: resolved.syringe, endpoints: resolved.subject.endpoints)
      try Terminal.emit(to: output) { sink in
        var writer = CSVWriter(sink: sink)
        try table.write(to: &writer)
      }
      if !quiet { for warning in table.warnings { Terminal.note("ketasim: warning: \(warning)") } }
      return
    }

    var course = TimeCourse(
      simulation: simulation, grid: grid, thresholds: thresholds, syringeMilligramsPerMilliliter: resolved.syringe,
      outputTimes: observations ? sampling : nil)
    course.endpoints = resolved.subject.endpoints
    var peak: GridPeak?
    try Terminal.emit(to: output) { sink in
      var writer = CSVWriter(sink: sink)
      writer.significantDigits = digits
      peak = try course.write(to: &writer, kernel: kernel)
    }
    guard !quiet, let peak else { return }
    for warning in warnings { Terminal.note("ketasim: warning: \(warning)") }
    let total = schedule.totalMilligrams
    Terminal.note(
      "ketasim: \(definition.id) (\(definition.name)), \(patient.weightKilograms) kg: "
        + "total dose \(InputParsing.format(total)) mg "
        + "(\(InputParsing.format(total / patient.weightKilograms)) mg/kg), "
        + "peak Cp \(InputParsing.format(peak.nanogramsPerMilliliter)) ng/mL at "
        + "\(InputParsing.format(peak.time.minutes)) min (population-model estimate, not a medical device)")
  }
}
