import ArgumentParser
import KetasimCore

/// The output time grid: how long, how often.
///
/// Both options are optional so that a regimen's output settings can serve
/// as defaults; ``grid()`` applies the built-in defaults (4 h, 1 min).
struct GridOptions: ParsableArguments {
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "How long to simulate, e.g. '4 h', '240 min', '2 d' (bare number: minutes). Default: 4 h, or with a "
        + "regimen or event table its own duration, else until 4 h after its last dose."))
  var duration: String?

  @Option(
    parsing: .unconditional,
    help: "Output time step, e.g. '1 min', '10 s' (bare number: minutes). Default: 1 min, or the regimen's.")
  var step: String?

  /// Sets the duration and step of `request`, parsing what the user typed.
  func fill(_ request: inout ScenarioRequest) throws {
    request.duration = try duration.map { try ClockTime(parsingDuration: $0, what: "duration") }
    request.step = try step.map { try ClockTime(parsingDuration: $0, what: "step") }
  }

  /// The typed text of each option, for messages that quote it.
  var typedInputs: [String: String] { ["duration": duration ?? "", "step": step ?? ""] }

  /// The grid `0, step, 2 step, …, duration` with the built-in defaults (4 h, 1 min).
  func grid() throws -> TimeGrid {
    var request = ScenarioRequest()
    try InputParsing.quotingInput(typedInputs) { try fill(&request) }
    return try InputParsing.quotingInput(typedInputs) { try request.grid(for: []) }
  }
}
