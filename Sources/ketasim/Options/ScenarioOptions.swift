import ArgumentParser
import KetasimCore

/// Everything that defines a simulated scenario on the command line.
///
/// That is the model and patient, `--dose` specs, regimen files and event
/// tables, and the time grid. Shared by every command that simulates.
///
/// Values in a regimen file (patient, model, output grid, syringe,
/// thresholds) are defaults: an option the user gives explicitly wins.
/// Doses of every source add up: `--regimen`, `--events` and `--dose` may be
/// combined; `--dose` alone keeps the historical defaults (4 h at 1 min), and
/// with no source at all the default dose `0.5 mg/kg over 40 min` is used.
struct ScenarioOptions: ParsableArguments {
  @OptionGroup(title: "Model and patient")
  var subject: SubjectOptions

  @OptionGroup(title: "Dosing")
  var dosing: DosingOptions

  @OptionGroup(title: "Regimens and event tables")
  var files: RegimenOptions

  @OptionGroup(title: "Time grid")
  var time: GridOptions

  /// The files the scenario reads (for ``OutputPaths/checkDistinct(_:inputs:)``).
  var inputFiles: [(what: String, path: String)] {
    files.regimens.map { ("regimen file", $0) } + (files.events.map { [("event table", $0)] } ?? [])
      + (subject.model.map { $0.split(separator: ",").map { ("model file", String($0)) } } ?? [])
  }

  /// The scenario of all sources together (see the type's description).
  func resolve() throws -> Scenario {
    try resolve(try sources())
  }

  /// Each dosing source on its own: every `--regimen`, the `--events`
  /// table, and the `--dose` specs together; with none of them and
  /// `defaultIfEmpty`, the default dose.
  func sources(defaultIfEmpty: Bool = true) throws -> [DosingSource] {
    let syringe = try files.syringeStrength()
    _ = try files.timeUnit()  // checked even without --events (it also applies to --export-events)
    var sources = try files.loadRegimens(syringe: syringe).map { DosingSource(regimen: $0, isFile: true) }
    if let events = try files.loadEvents() { sources.append(events) }
    if !dosing.doses.isEmpty || (sources.isEmpty && defaultIfEmpty) {
      let texts = dosing.doses.isEmpty ? [DosingOptions.defaultDose] : dosing.doses
      let fileSyringe = sources.lazy.compactMap(\.regimen.syringeMilligramsPerMilliliter).first
      let specs = try dosing.specs(texts: texts, syringe: syringe ?? fileSyringe)
      var regimen = Regimen(id: "dose", name: texts.joined(separator: " + "), doses: specs)
      regimen.syringeMilligramsPerMilliliter = syringe
      sources.append(DosingSource(regimen: regimen, isFile: false))
    }
    return sources
  }

  /// The grid the user asked for, with defaults from `sources`: the longest
  /// of their durations and the finest of their steps.
  func grid(for sources: [DosingSource]) throws -> TimeGrid {
    try time.grid(
      defaultDuration: sources.map(\.defaultDuration).max() ?? GridOptions.defaultDuration,
      defaultStep: sources.map(\.defaultStep).min() ?? GridOptions.defaultStep)
  }

  /// The scenario of `sources` added together, with `modelOverride` (one
  /// model id or path) in place of `--model`, and `grid` in place of
  /// ``grid(for:)``.
  func resolve(_ sources: [DosingSource], modelOverride: String? = nil, grid: TimeGrid? = nil) throws -> Scenario {
    guard let first = sources.first else {
      throw KetasimError.invalidValue("dosing", "none", accepted: "--dose, --regimen or --events")
    }
    let regimen = sources.dropFirst().reduce(first.regimen) { $0.adding($1.regimen) }
    let subject = try self.subject.resolve(
      defaults: SubjectOptions.Defaults(
        model: regimen.model, patient: regimen.patient, thresholdOverrides: regimen.thresholdOverrides,
        source: sources.map(\.regimen.name).joined(separator: " + ")),
      modelOverride: modelOverride)
    try subject.checkPlausible(try regimen.schedule(forWeight: subject.patient.weightKilograms))
    return Scenario(
      subject: subject, regimen: regimen, grid: try grid ?? self.grid(for: sources),
      syringe: try files.syringeStrength() ?? regimen.syringeMilligramsPerMilliliter,
      label: sources.map(\.regimen.name).joined(separator: " + "),
      notes: sources.flatMap(\.notes) + subject.notes)
  }
}
