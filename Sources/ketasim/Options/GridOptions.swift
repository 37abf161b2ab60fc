import ArgumentParser
import KetasimCore

/// The output time grid: how long, how often.
///
/// Both options are optional so that a regimen's output settings can serve
/// as defaults; ``grid()`` applies the built-in defaults (4 h, 1 min).
struct GridOptions: ParsableArguments {
  static let defaultDuration = ClockTime.hours(4)
  static let defaultStep = ClockTime.minutes(1)

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

  /// The grid `0, step, 2 step, …, duration`.
  func grid() throws -> TimeGrid { try grid(defaultDuration: Self.defaultDuration, defaultStep: Self.defaultStep) }

  /// The grid, with these defaults for the options the user did not give.
  ///
  /// A run has a positive duration: a zero-length grid (which the library
  /// allows) would print one row and read out nothing.
  func grid(defaultDuration: ClockTime, defaultStep: ClockTime) throws -> TimeGrid {
    try InputParsing.quotingInput(["duration": duration ?? "", "step": step ?? ""]) {
      let end = try duration.map { try ClockTime(parsingDuration: $0, what: "duration") } ?? defaultDuration
      guard end > .zero else {
        throw KetasimError.invalidValue("duration", duration ?? "0", accepted: "a positive duration, such as '4 h'")
      }
      return try TimeGrid(
        end: end, step: try step.map { try ClockTime(parsingDuration: $0, what: "step") } ?? defaultStep)
    }
  }
}
