import ArgumentParser
import BenchmarkWorkloads

/// W1: one patient, 24 h on a 1-s grid, written as CSV into a counting sink.
struct PreviewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "preview", abstract: "W1: one patient as CSV.")

  @Option(help: "Grid step (s).")
  var stepSeconds = 1.0

  @Option(help: "Duration (h).")
  var hours = 24.0

  @OptionGroup var repetition: Repetition

  func run() throws {
    let preview = try Preview(stepSeconds: stepSeconds, hours: hours)
    let (output, series) = try repetition.measure { try preview.run() }
    emit(
      timingFields(series).merging(
        [
          "workload": "W1 preview", "rows": output.rows, "bytes": output.bytes, "peak_ng_per_ml": output.peak,
          "rows_per_second": Double(output.rows) / series.medianCPU,
          "megabytes_per_second": Double(output.bytes) / 1e6 / series.medianCPU,
        ], uniquingKeysWith: { $1 }))
  }
}
