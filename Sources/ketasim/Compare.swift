import ArgumentParser
import Foundation
import KetasimCore
import KetasimRender

/// `ketasim compare`: several regimens and/or models for one patient, side
/// by side.
struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Compare regimens and models for one patient: a summary row per regimen x model.",
    discussion: """
      Regimens: each --regimen (built-in name or file), each --dose-set 'LABEL=SPEC; SPEC', the --dose specs \
      together (label 'dose') and the --events table are one regimen each. Models: --model a,b (comma-separated) \
      runs every regimen with every model; without it each regimen uses its own model (or clements250). \
      The summary CSV (stdout or --output) has one row per regimen x model and one column per read-out metric, \
      the unit in its name; --series writes the long-format time series, --plot an overlay picture with each run's rate. Every run \
      uses the same grid: --duration/--step, else the longest duration and finest step of the regimens.
      """
  )

  @OptionGroup
  var scenario: ScenarioOptions

  @Option(
    name: .customLong("dose-set"), parsing: .unconditionalSingleValue,
    help: "A labelled regimen of dose specs, 'LABEL=SPEC; SPEC; ...'; repeatable.")
  var doseSets: [String] = []

  @Option(help: "Write the summary CSV to this file (atomically) instead of stdout.")
  var output: String?

  @Option(help: "Write the long-format time series (regimen, model, time_min, cp_ng_per_ml, ...) to this file.")
  var series: String?

  @Option(
    help: ArgumentHelp(
      "Write an overlay of every run's Cp (and Ce, and a metabolite dotted) and infusion rate to this file "
        + "(.svg, .png or .pdf)."))
  var plot: String?

  @Option(
    name: .customLong("effect"),
    help: ArgumentHelp(
      "Add an effect endpoint's read-out to every run (repeatable; 'ketasim models effects' lists them), as "
        + "simulate --summary gives it.", valueName: "id[@level]"))
  var effects: [String] = []

  @OptionGroup
  var picture: PictureOptions

  @Flag(help: "Do not print warnings on stderr.")
  var quiet = false

  @OptionGroup(title: "Resource limits")
  var limitOptions: LimitOptions

  func run() throws {
    try OutputPaths.checkDistinct(
      [("--output", output), ("--series", series), ("--plot", plot)], inputs: scenario.inputFiles)
    let plotFormat = try OutputPaths.plotFormat(plot)
    var sources = try scenario.sources(defaultIfEmpty: doseSets.isEmpty)
    let syringe = scenario.files.syringe
    for set in doseSets { sources.append(try DosingSource(doseSet: set, syringe: syringe)) }
    let labels = sources.map(\.regimen.id)
    if let duplicate = labels.first(where: { label in labels.filter { $0 == label }.count > 1 }) {
      throw KetasimError.invalidValue(
        "regimen label", duplicate,
        accepted: "a different label for each regimen (set 'id' in a regimen file, or rename a --dose-set)")
    }
    let models = try modelList()
    // One patient: a weight or age that one regimen names applies to all.
    let weight = try common(sources.map(\.regimen.patient.weightKilograms), "weight")
    let age = try common(sources.map(\.regimen.patient.ageYears), "age")
    for index in sources.indices {
      sources[index].regimen.patient = Regimen.PatientDefaults(weightKilograms: weight, ageYears: age)
    }
    let grid = try scenario.grid(for: sources)
    let limits = limitOptions.limits
    let runs = sources.count * (models?.count ?? 1)
    let (seriesRows, overflow) = runs.multipliedReportingOverflow(by: grid.count)
    if series != nil { try limits.check(rows: overflow ? Int.max : seriesRows, of: "the long-format series") }
    if plot != nil {
      try limits.check(
        memory: ResourceLimits.plotMemory(points: overflow ? Int.max : seriesRows), of: "the overlay picture")
    }

    var arms: [ComparisonTable.Arm] = []
    var notes: [String] = []
    for source in sources {
      for model in models.map({ $0.map(Optional.some) }) ?? [nil] {
        let resolved = try scenario.resolve([source], modelOverride: model, grid: grid, effects: effects)
        notes += resolved.notes.filter { !notes.contains($0) }
        arms.append(
          ComparisonTable.Arm(
            regimen: source.regimen.id, model: resolved.subject.definition, patient: resolved.patient,
            run: try resolved.run(), thresholds: resolved.subject.thresholds,
            ke0Source: resolved.subject.ke0Source, syringe: resolved.syringe, endpoints: resolved.subject.endpoints))
      }
    }
    let table = ComparisonTable(arms: arms, end: grid.end)
    if let series {
      try AtomicFile.write(to: series) { sink in
        var writer = CSVWriter(sink: sink)
        try table.writeSeries(at: grid.times, to: &writer)
      }
    }
    if let plot {
      let bytes = try PictureRenderer.render(
        OverlayPlot(overlay(table, times: grid.times)), as: plotFormat ?? .svg, label: plot)
      try AtomicFile.write(to: plot) { sink in try sink(bytes) }
    }
    try Terminal.emit(to: output) { sink in
      var writer = CSVWriter(sink: sink)
      try table.writeSummary(to: &writer)
    }
    guard !quiet else { return }
    for note in notes { Terminal.note("ketasim: note: \(note)") }
    for (arm, summary) in zip(arms, table.summaries) {
      for warning in summary.warnings {
        Terminal.note("ketasim: warning: \(arm.regimen) / \(arm.model.id): \(warning)")
      }
    }
  }

  /// The overlay picture's data: every run's curves and rate, a title naming
  /// the regimens and models, each run's warnings, and a footer with the
  /// weight, the model(s) and today's date.
  func overlay(_ table: ComparisonTable, times: [ClockTime]) -> OverlayPlotData {
    let arms = table.arms
    let weight = InputParsing.format(arms[0].patient.weightKilograms)
    var regimens: [String] = []
    var models: [ModelDefinition] = []
    for arm in arms {
      if !regimens.contains(arm.regimen) { regimens.append(arm.regimen) }
      if !models.contains(where: { $0.id == arm.model.id }) { models.append(arm.model) }
    }
    let title =
      "\(arms.count) runs, \(weight) kg: \(regimens.joined(separator: ", "))"
      + (models.count > 1 ? " with \(models.map(\.id).joined(separator: ", "))" : " (\(models[0].id))")
    var data = table.plotData(at: times, title: title)
    data.warnings = zip(arms, table.summaries).flatMap { arm, summary in
      summary.warnings.map { "\(arm.regimen) / \(arm.model.id): \($0)" }
    }
    data.footer =
      "\(weight) kg · "
      + (models.count == 1 ? models[0].name : models.map(\.id).joined(separator: ", ")) + " · " + ClinicalFormat.today
    data.timeRange = picture.xRange
    data.logarithmic = picture.log
    return data
  }

  /// The `--model` list (comma-separated), or nil when not given.
  func modelList() throws -> [String]? {
    guard let text = scenario.subject.model else { return nil }
    let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
      throw KetasimError.invalidValue("model", text, accepted: "one or more model ids or files separated by commas")
    }
    return names
  }

  /// The one value of `what` the regimens name (nil when none does); fails
  /// when they name different values and the user gave no option for it.
  func common(_ values: [Double?], _ what: String) throws -> Double? {
    let distinct = Set(values.compactMap { $0 })
    let given = what == "weight" ? scenario.subject.weight : scenario.subject.age
    guard distinct.count <= 1 || given != nil else {
      throw KetasimError.invalidValue(
        what, distinct.sorted().map { InputParsing.format($0) }.joined(separator: ", "),
        accepted: "one patient: the regimens disagree, so give --\(what)")
    }
    return distinct.count == 1 ? distinct.first : nil
  }
}
