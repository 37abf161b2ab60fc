import ArgumentParser
import BenchmarkWorkloads
import KetasimCore

/// Where the subjects of a population workload come from.
struct PopulationOptions: ParsableArguments {
  @Option(help: "Number of subjects drawn with the benchmark seed (ignored with --subjects-file).")
  var subjects = 1_000

  @Option(help: "Read the subjects from this CSV (the peers' subjects file) instead of drawing them.")
  var subjectsFile: String?

  @Option(help: "Grid step (s).")
  var stepSeconds = 10.0

  @Option(help: "Kernel: tiled, blas or scalar.")
  var kernel = "tiled"

  @Option(help: "W2 read-out: 'kernel' (ketasim's kernel, then a reducer) or 'fused' (read-out inside the tile).")
  var method = "kernel"

  @Option(help: "Write the per-subject (or per-time) results to this CSV.")
  var results: String?

  func scenario() throws -> PopulationScenario {
    let subjects =
      try subjectsFile.map { try PopulationScenario.Subject.read(csvFile: $0) }
      ?? PopulationScenario.subjects(count: self.subjects)
    return PopulationScenario(
      subjects: subjects, stepSeconds: stepSeconds, thresholds: try PopulationScenario.catalogueThresholds())
  }

  func resolvedKernel() throws -> Kernel {
    guard let kernel = Kernel(rawValue: kernel), kernel != .auto else {
      throw ValidationError("--kernel: expected tiled, blas or scalar, got '\(kernel)'")
    }
    return kernel
  }
}

/// W2: per-subject peak and time above each threshold.
struct PopulationSummaryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "population-summary", abstract: "W2: per-subject peak and time above thresholds.")

  @OptionGroup var population: PopulationOptions
  @OptionGroup var repetition: Repetition

  func run() throws {
    let scenario = try population.scenario()
    let kernel = try population.resolvedKernel()
    guard let method = PopulationPeaksWorkload.Method(rawValue: population.method) else {
      throw ValidationError("--method: expected kernel or fused, got '\(population.method)'")
    }
    let (summary, series) = try repetition.measure {
      var summary = try PopulationPeaksWorkload(scenario, method: method, kernel: kernel)
      summary.run()
      return summary
    }
    if let path = population.results {
      var text = "id,peak_ng_per_ml,peak_min" + scenario.thresholds.map { ",min_above_\($0.name)" }.joined() + "\n"
      let (peak, peakMinutes, minutesAbove) = (summary.peak, summary.peakMinutes, summary.minutesAbove)
      for i in peak.indices {
        text += "\(i),\(peak[i]),\(peakMinutes.map { "\($0[i])" } ?? "")"
        text += minutesAbove.map { ",\($0[i])" }.joined() + "\n"
      }
      try write(text, to: path)
    }
    let laneSteps = Double(scenario.subjects.count * scenario.steps)
    emit(
      timingFields(series).merging(
        [
          "workload": "W2 population summary", "subjects": scenario.subjects.count,
          "step_seconds": scenario.stepSeconds, "kernel": kernel.rawValue, "method": method.rawValue,
          "lane_steps_per_second": laneSteps / series.medianCPU,
          "median_peak_ng_per_ml": summary.peak.sorted()[summary.peak.count / 2],
        ], uniquingKeysWith: { $1 }))
  }
}

/// W3: percentile bands and threshold probabilities over time.
struct PopulationBandsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "population-bands", abstract: "W3: 5/50/95 % bands and fractions above thresholds.")

  @OptionGroup var population: PopulationOptions
  @OptionGroup var repetition: Repetition

  func run() throws {
    let scenario = try population.scenario()
    let kernel = try population.resolvedKernel()
    let (bands, series) = try repetition.measure {
      var bands = try PopulationBandsWorkload(scenario, kernel: kernel)
      bands.run()
      return bands
    }
    if let path = population.results {
      var text = "time_min,cp_p05,cp_p50,cp_p95" + scenario.thresholds.map { ",p_above_\($0.name)" }.joined() + "\n"
      let f = bands.fractions.count
      let minutes = bands.minutes
      for t in minutes.indices {
        text += "\(minutes[t])"
        for p in 0..<f { text += ",\(bands.percentiles[t * f + p])" }
        for j in 0..<bands.thresholdCount { text += ",\(bands.fractionAbove[t * bands.thresholdCount + j])" }
        text += "\n"
      }
      try write(text, to: path)
    }
    let laneSteps = Double(scenario.subjects.count * scenario.steps)
    emit(
      timingFields(series).merging(
        [
          "workload": "W3 population bands", "subjects": scenario.subjects.count,
          "step_seconds": scenario.stepSeconds, "kernel": kernel.rawValue,
          "lane_steps_per_second": laneSteps / series.medianCPU,
        ], uniquingKeysWith: { $1 }))
  }
}
