import ArgumentParser
import KetasimCore

/// The output time grid: how long, how often.
struct GridOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: "How long to simulate, e.g. '4 h', '240 min', '2 d' (bare number: minutes).")
  var duration = "4 h"

  @Option(parsing: .unconditional, help: "Output time step, e.g. '1 min', '10 s' (bare number: minutes).")
  var step = "1 min"

  /// The grid `0, step, 2 step, …, duration`.
  func grid() throws -> TimeGrid {
    try TimeGrid(
      end: try ClockTime(parsingDuration: duration, what: "duration"),
      step: try ClockTime(parsingDuration: step, what: "step"))
  }
}
