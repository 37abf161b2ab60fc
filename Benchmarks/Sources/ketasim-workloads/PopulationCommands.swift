import ArgumentParser
import BenchmarkWorkloads
import KetasimCore

/// Where the subjects of a population workload come from.
struct PopulationOptions: ParsableArguments {
  @Option(help: "Number of subjects drawn with the benchmark seed (ignored with --subjects-file).")
  var subjects = 1_000

  @Option(help: "Read the subjects from this CSV (the peers' subjects file) instead of drawing them.")
  var subjectsFile: String?

  @Option(help: "Grid step (s): the peers' grid; W2's exact read-out has none, W3's bands are on it.")
  var stepSeconds = 10.0

  @Option(help: "Write the per-subject (or per-time) results to this CSV.")
  var results: String?

  func scenario() throws -> PopulationScenario {
    let subjects =
      try subjectsFile.map { try PopulationScenario.Subject.read(csvFile: $0) }
      ?? PopulationScenario.subjects(count: self.subjects)
    return PopulationScenario(
      subjects: subjects, stepSeconds: stepSeconds, thresholds: try PopulationScenario.catalogueThresholds())
  }
}

/// W2: per-subject peak and time above each threshold, by the product's exact read-out.
struct PopulationSummaryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "population-summary", abstract: "W2: per-subject peak and time above thresholds (exact read-out).")

  @OptionGroup var population: PopulationOptions
  @OptionGroup var repetition: Repetition

  func run() throws {
    let scenario = try population.scenario()
    let (summary, series) = try repetition.measure {
      var summary = PopulationPeaksWorkload(scenario)
      try summary.run()
      return summary
    }
    if let path = population.results {
      var text = "id,peak_ng_per_ml,peak_min" + scenario.thresholds.map { ",min_above_\($0.name)" }.joined() + "\n"
      for i in summary.peak.indices {
        text += "\(i),\(summary.peak[i]),\(summary.peakMinutes[i])"
        text += summary.minutesAbove.map { ",\($0[i])" }.joined() + "\n"
      }
      try write(text, to: path)
    }
    let subjectTimes = Double(scenario.subjects.count * scenario.steps)
    emit(
      timingFields(series).merging(
        [
          "workload": "W2 population summary", "subjects": scenario.subjects.count,
          "step_seconds": scenario.stepSeconds, "method": "exact read-out (CurveReadout)",
          "lane_steps_per_second": subjectTimes / series.medianCPU,
          "median_peak_ng_per_ml": summary.peak.sorted()[summary.peak.count / 2],
        ], uniquingKeysWith: { $1 }))
  }
}

/// W3: percentile bands and threshold probabilities over time, by the product's population engine.
struct PopulationBandsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "population-bands",
    abstract: "W3: 5/50/95 % bands and fractions above thresholds (the product's engine, its own draws).")

  @Option(help: "Number of subjects (the engine draws them: its own etas, the scenario's weights).")
  var subjects = 10_000

  @Option(help: "Grid step (s).")
  var stepSeconds = 10.0

  @Option(help: "Write the bands to this CSV (the columns of `ketasim population --output`).")
  var results: String?

  @OptionGroup var repetition: Repetition

  func run() throws {
    let population = try LibraryPopulation(subjects: subjects, stepSeconds: stepSeconds)
    let (_, series) = try repetition.measure { try population.bands() }
    if let path = results {
      let (columns, rows) = try population.bandTable()
      var text = columns.joined(separator: ",") + "\n"
      for row in rows { text += row.map { "\($0)" }.joined(separator: ",") + "\n" }
      try write(text, to: path)
    }
    let subjectTimes = Double(subjects) * (PopulationScenario.durationMinutes * 60 / stepSeconds)
    emit(
      timingFields(series).merging(
        [
          "workload": "W3 population bands", "subjects": subjects, "step_seconds": stepSeconds,
          "method": "PopulationSimulation.streamBandRows (draws, kernel, binned percentiles)",
          "lane_steps_per_second": subjectTimes / series.medianCPU,
        ], uniquingKeysWith: { $1 }))
  }
}
