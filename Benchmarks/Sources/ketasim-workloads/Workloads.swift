import ArgumentParser
import BenchmarkWorkloads
import Foundation

/// `ketasim-workloads`: runs one benchmark workload (W1-W5).
///
/// It prints the workload's figures as one JSON object on stdout.
/// `Benchmarks/peers/run.sh` calls it for the ketasim side of the peer
/// comparison.
@main
struct Workloads: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ketasim-workloads",
    abstract: "Run a ketasim benchmark workload and print its timings as JSON.",
    subcommands: [
      PreviewCommand.self, PopulationSummaryCommand.self, PopulationBandsCommand.self, RegimenSweepCommand.self,
      KernelsCommand.self,
    ]
  )
}

/// Options every workload takes.
struct Repetition: ParsableArguments {
  @Option(name: .customLong("repeat"), help: "Timed repetitions (the median is reported).")
  var repetitions = 3

  /// Runs `body` once untimed, then `repetitions` times timed.
  func measure<T>(_ body: () throws -> T) rethrows -> (result: T, series: TimingSeries) {
    var result = try body()
    var series = TimingSeries()
    for _ in 0..<max(repetitions, 1) {
      let (value, timing) = try Timing.measure(body)
      result = value
      series.append(timing)
    }
    return (result, series)
  }
}

/// Prints one JSON object with sorted keys.
func emit(_ fields: [String: Any]) {
  var fields = fields
  fields["peak_rss_mb"] = peakResidentMegabytes()
  if let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) {
    print(String(decoding: data, as: UTF8.self))
  }
}

/// The timing fields of a series.
func timingFields(_ series: TimingSeries) -> [String: Any] {
  [
    "cpu_seconds": series.medianCPU, "wall_seconds": series.medianWall,
    "cpu_runs": series.runs.map(\.cpuSeconds), "wall_runs": series.runs.map(\.wallSeconds),
  ]
}

/// Writes `text` to `path` (a results file for the peers' agreement check).
func write(_ text: String, to path: String) throws {
  try text.write(toFile: path, atomically: true, encoding: .utf8)
}
