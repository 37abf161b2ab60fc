import ArgumentParser
import KetasimCore

/// Everything that defines a simulated scenario on the command line.
///
/// That is the model and patient, `--dose` specs, regimen files and event
/// tables, and the time grid. Shared by every command that simulates. The
/// options only fill in a ``ScenarioRequest``; how the pieces combine
/// (doses add up, a regimen's settings are defaults, grid defaults) is the
/// library's, documented there.
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

  /// The request the options describe.
  func request() -> ScenarioRequest {
    var request = ScenarioRequest()
    files.fill(&request)
    time.fill(&request)
    subject.fill(&request)
    request.doses = dosing.doses
    request.changes = dosing.changes
    return request
  }

  /// Runs `body` so that a library message about a parsed value quotes the
  /// text the user typed.
  func quoting<T>(_ body: () throws -> T) throws -> T {
    try InputParsing.quotingInput(subject.typedInputs.merging(time.typedInputs) { $1 }, body)
  }

  /// The scenario of all sources together (see ``ScenarioRequest``), with the effect endpoints `effects`.
  func resolve(effects: [String] = []) throws -> Scenario {
    var request = request()
    request.effects = effects
    return try quoting { try request.resolve() }
  }

  /// Each dosing source on its own (see ``ScenarioRequest/sources(defaultIfEmpty:)``).
  func sources(defaultIfEmpty: Bool = true) throws -> [DosingSource] {
    try request().sources(defaultIfEmpty: defaultIfEmpty)
  }

  /// The grid the user asked for, with defaults from `sources`.
  func grid(for sources: [DosingSource]) throws -> TimeGrid {
    let request = request()
    return try quoting { try request.grid(for: sources) }
  }

  /// The scenario of `sources` added together, with `modelOverride` in
  /// place of `--model` and `grid` in place of ``grid(for:)``.
  func resolve(
    _ sources: [DosingSource], modelOverride: String? = nil, grid: TimeGrid? = nil, effects: [String] = []
  ) throws -> Scenario {
    var request = request()
    request.effects = effects
    return try quoting { try request.resolve(sources, modelOverride: modelOverride, grid: grid) }
  }
}
