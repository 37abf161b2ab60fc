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
        + "regimen or event table its own duration, else until 4 h after its last dose."),
    transform: InputParsing.typedDuration("duration"))
  var duration: Typed<ClockTime>?

  @Option(
    parsing: .unconditional,
    help: "Output time step, e.g. '1 min', '10 s' (bare number: minutes). Default: 1 min, or the regimen's.",
    transform: InputParsing.typedDuration("step"))
  var step: Typed<ClockTime>?

  /// Sets the duration and step of `request`.
  func fill(_ request: inout ScenarioRequest) {
    request.duration = duration?.value
    request.step = step?.value
  }

  /// The typed text of each option, for messages that quote it.
  var typedInputs: [String: String] { ["duration": duration?.text ?? "", "step": step?.text ?? ""] }

  /// The grid `0, step, 2 step, …, duration` with the built-in defaults (4 h, 1 min).
  func grid() throws -> TimeGrid {
    var request = ScenarioRequest()
    fill(&request)
    return try InputParsing.quotingInput(typedInputs) { try request.grid(for: []) }
  }
}
