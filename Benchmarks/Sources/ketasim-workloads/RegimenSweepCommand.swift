import ArgumentParser
import BenchmarkWorkloads

/// W4: 10,000 single-infusion regimens for one patient.
struct RegimenSweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "regimen-sweep", abstract: "W4: peak and time above thresholds for 10,000 regimens (exact read-out).")

  @Option(help: "Doses (0.1-1.0 mg/kg).")
  var doses = 100

  @Option(help: "Durations (10-100 min).")
  var durations = 100

  @Option(help: "Write the per-regimen results to this CSV.")
  var results: String?

  @OptionGroup var repetition: Repetition

  func run() throws {
    let sweep = try RegimenSweep(doses: doses, durations: durations)
    let (result, series) = try repetition.measure { try sweep.run() }
    if let path = results {
      var text = "mg_per_kg,duration_s,peak_ng_per_ml,peak_min"
      text += sweep.thresholds.map { ",min_above_\($0.name)" }.joined() + "\n"
      for (i, regimen) in sweep.regimens.enumerated() {
        text += "\(regimen.milligramsPerKilogram),\(regimen.durationSeconds),\(result.peak[i]),\(result.peakMinutes[i])"
        text += result.minutesAbove.map { ",\($0[i])" }.joined() + "\n"
      }
      try write(text, to: path)
    }
    emit(
      timingFields(series).merging(
        [
          "workload": "W4 regimen sweep", "method": "exact read-out (CurveReadout)", "regimens": sweep.regimens.count,
          "steps": sweep.steps, "regimens_per_second": Double(sweep.regimens.count) / series.medianCPU,
          "lane_steps_per_second": Double(sweep.regimens.count * sweep.steps) / series.medianCPU,
        ], uniquingKeysWith: { $1 }))
  }
}
