import ArgumentParser
import KetasimCore

/// `ketasim simulate`: one patient, one dosing profile, a CSV time course.
struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Simulate one patient and write the concentration-time course as CSV.",
    discussion: """
      Dose specs (repeat --dose for several): '1 mg/kg' (bolus at 0), '35 mg at 10 min', \
      '0.5 mg/kg over 40 min', '0.5 mg/kg over 40 min at 30 min', '0.15 mg/kg/h for 4 h at 30 min', \
      '41 ug/kg/min for 60 min', '2 mg/min for 10 min', '0.5 mg/kg over 40 min every 48 h x 6'. \
      Times take s, min, h or d. Doses are mg of ketamine base.
      """
  )

  @Option(help: "Catalogue model id (see 'ketasim models') or a model file path.")
  var model = ModelCatalog.defaultModelID

  @Option(parsing: .unconditional, help: "Total body weight in kg.")
  var weight = "70"

  @Option(parsing: .unconditional, help: "Age in years (checked against the model's validity range).")
  var age: String?

  @Option(
    name: .customLong("dose"), parsing: .unconditionalSingleValue,
    help: "A dose spec; repeatable. Default: '0.5 mg/kg over 40 min'.")
  var doses: [String] = []

  @Option(parsing: .unconditional, help: "How long to simulate, e.g. '4 h', '240 min', '2 d' (bare number: minutes).")
  var duration = "4 h"

  @Option(parsing: .unconditional, help: "Output time step, e.g. '1 min', '10 s' (bare number: minutes).")
  var step = "1 min"

  @Option(
    parsing: .unconditional, help: "Effect-site rate constant ke0 in 1/min; overrides the model's published value.")
  var ke0: String?

  @Option(help: "Hot-loop kernel: auto, tiled, blas or scalar (all give the same values).")
  var kernel = "auto"

  @Option(help: "Write the CSV to this file (atomically) instead of stdout.")
  var output: String?

  @Flag(help: "Print the read-out (metric,value,unit CSV) instead of the time series.")
  var summary = false

  @Option(
    name: .customLong("threshold"), parsing: .unconditionalSingleValue,
    help: "NAME=VALUE (ng/mL) to override or add a threshold, NAME=off to drop one; repeatable.")
  var thresholdOverrides: [String] = []

  @Option(help: "Also write an SVG picture of Cp (and Ce) with the thresholds and infusions to this file.")
  var plot: String?

  @Flag(help: "Also print a compact chart of the time course on stderr.")
  var chart = false

  @Option(
    parsing: .unconditional,
    help: "Syringe concentration in mg/mL: adds rate_ml_per_h to the CSV and the volume to the summary.")
  var syringe: String?

  @Flag(help: "Do not print the summary on stderr.")
  var quiet = false

  func run() throws {
    let catalog = try ModelCatalog.builtIn()
    let definition = try catalog.resolve(model)
    let patient = try Self.quotingInput(["weight": weight, "age": age ?? ""]) {
      try Patient(
        weightKilograms: try Self.number(weight, "weight", "a positive number of kilograms, such as 70"),
        ageYears: try age.map { try Self.number($0, "age", "a number of years, such as 45") })
    }
    let ke0Override = try ke0.map { try Self.number($0, "ke0", "a positive rate constant in 1/min, such as 0.238") }
    guard let kernel = Kernel(rawValue: kernel) else {
      throw KetasimError.invalidValue("kernel", kernel, accepted: "auto, tiled, blas or scalar")
    }
    let specs = try (doses.isEmpty ? ["0.5 mg/kg over 40 min"] : doses).map(DoseSpec.init(parsing:))
    let schedule = try DosingSchedule(specs.flatMap { $0.doses(forWeight: patient.weightKilograms) })
    let grid = try TimeGrid(
      end: try ClockTime(parsingDuration: duration, what: "duration"),
      step: try ClockTime(parsingDuration: step, what: "step"))
    let parameters = try Self.quotingInput(["ke0": ke0 ?? ""]) {
      try definition.parameters(for: patient, ke0Override: ke0Override)
    }
    let syringeStrength = try syringe.map {
      let value = try Self.number($0, "syringe", "a positive concentration in mg/mL, such as 10")
      guard value > 0 else {
        throw KetasimError.invalidValue("syringe", $0, accepted: "a positive concentration in mg/mL, such as 10")
      }
      return value
    }
    let thresholds = try catalog.thresholds.applying(overrides: thresholdOverrides)
    let simulation = Simulation(disposition: Disposition(parameters), schedule: schedule)
    if plot != nil || chart {
      let title =
        "\(definition.id), \(Self.format(patient.weightKilograms)) kg: \(doses.isEmpty ? "0.5 mg/kg over 40 min" : doses.joined(separator: " + "))"
      let data = PlotData(title: title, simulation: simulation, grid: grid, thresholds: thresholds)
      if let plot {
        try AtomicFile.write(to: plot) { sink in try sink(Array(ConcentrationPlot(data).svg.utf8)) }
      }
      if chart { Terminal.note(TerminalChart(data).text) }
    }

    if summary {
      let table = SummaryTable(
        simulation: simulation, end: grid.end, model: definition, patient: patient, thresholds: thresholds,
        ke0Source: ke0Override == nil ? "published: \(definition.effectSite?.source ?? "")" : "--ke0 override",
        syringe: syringeStrength)
      try Terminal.emit(to: output) { sink in
        var writer = CSVWriter(sink: sink)
        try table.write(to: &writer)
      }
      if !quiet { for warning in table.warnings { Terminal.note("ketasim: warning: \(warning)") } }
      return
    }

    let course = TimeCourse(
      simulation: simulation, grid: grid, thresholds: thresholds, syringeMilligramsPerMilliliter: syringeStrength)
    var peak: TimeCourse.GridPeak?
    try Terminal.emit(to: output) { sink in
      var writer = CSVWriter(sink: sink)
      peak = try course.write(to: &writer, kernel: kernel)
    }
    guard !quiet, let peak else { return }
    var warnings = definition.validityWarnings(for: patient)
    warnings += DoseWarnings.check(schedule, weightKilograms: patient.weightKilograms)
    for warning in warnings { Terminal.note("ketasim: warning: \(warning)") }
    let total = schedule.totalMilligrams
    Terminal.note(
      "ketasim: \(definition.id) (\(definition.name)), \(patient.weightKilograms) kg: "
        + "total dose \(Self.format(total)) mg (\(Self.format(total / patient.weightKilograms)) mg/kg), "
        + "peak Cp \(Self.format(peak.nanogramsPerMilliliter)) ng/mL at \(Self.format(peak.time.minutes)) min "
        + "(population-model estimate, not a medical device)")
  }

  /// Runs `body`; an invalid-value error about one of `inputs` is reported
  /// with the value as the user typed it rather than as a parsed number.
  static func quotingInput<T>(_ inputs: [String: String], _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch KetasimError.invalidValue(let what, let value, let accepted) {
      let typed = inputs[what].flatMap { $0.isEmpty ? nil : $0 } ?? value
      throw KetasimError.invalidValue(what, typed, accepted: accepted)
    }
  }

  static func number(_ text: String, _ what: String, _ accepted: String) throws -> Double {
    guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
      throw KetasimError.invalidValue(what, text, accepted: accepted)
    }
    return value
  }

  /// One decimal, without a trailing `.0`; any finite or infinite value.
  static func format(_ value: Double) -> String {
    let text = String(format: "%.1f", value)
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }
}
