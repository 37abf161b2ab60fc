import BenchmarkWorkloads
import KetasimCore
import Testing

/// The workloads, which call the product's API, against a second path through the product: the exact
/// propagation on a grid (`Simulation.centralConcentrations`), read out as the peers read out.
@Suite struct WorkloadAgreementTests {
  static func scenario(subjects: Int, stepSeconds: Double) throws -> PopulationScenario {
    PopulationScenario(
      subjects: PopulationScenario.subjects(count: subjects), stepSeconds: stepSeconds,
      thresholds: try PopulationScenario.catalogueThresholds())
  }

  /// Plasma concentrations (ng/mL) of one infusion at every `stepSeconds` over `minutes`.
  static func gridCurve(
    _ parameters: PKParameters, rate: Double, infusionMinutes: Double, minutes: Double, stepSeconds: Double
  ) throws -> [Double] {
    let grid = try TimeGrid(end: .minutes(minutes), step: .seconds(stepSeconds))
    let schedule = try DosingSchedule([
      .infusion(milligramsPerMinute: rate, start: .zero, duration: .minutes(infusionMinutes))
    ])
    return Simulation(disposition: Disposition(parameters), schedule: schedule)
      .centralConcentrations(at: grid.times).map { $0 * 1000 }
  }

  /// W2, subject by subject: the exact peak is the grid's (the peak is where the infusion stops, a grid
  /// time), and the exact time above each level is within a step per crossing (two) of the grid count.
  @Test func populationSummaryMatchesTheGrid() throws {
    let scenario = try WorkloadAgreementTests.scenario(subjects: 40, stepSeconds: 10)
    var summary = PopulationPeaksWorkload(scenario)
    try summary.run()
    let dt = scenario.stepSeconds / 60
    var inside = 0
    for (index, subject) in scenario.subjects.enumerated() {
      let cp = try WorkloadAgreementTests.gridCurve(
        try subject.parameters(), rate: subject.rateMilligramsPerMinute,
        infusionMinutes: PopulationScenario.infusionMinutes, minutes: PopulationScenario.durationMinutes,
        stepSeconds: scenario.stepSeconds)
      let peak = cp.max()!
      #expect(abs(summary.peak[index] - peak) <= 1e-11 * peak)
      #expect(summary.peakMinutes[index] == PopulationScenario.infusionMinutes)
      for (j, threshold) in scenario.thresholds.enumerated() {
        let grid = Double(cp.filter { $0 > threshold.nanogramsPerMilliliter }.count) * dt
        #expect(abs(summary.minutesAbove[j][index] - grid) <= 2 * dt, "subject \(index) \(threshold.name)")
        if summary.minutesAbove[j][index] > 0 { inside += 1 }
      }
    }
    #expect(inside > 40)
  }

  /// W4: each regimen's peak is where its infusion stops, and its read-out matches the grid as W2's does.
  @Test func regimenSweepMatchesTheGrid() throws {
    let sweep = try RegimenSweep(doses: 5, durations: 4, hours: 2, stepSeconds: 5)
    let result = try sweep.run()
    let subject = PopulationScenario.typicalSubject(weightKilograms: sweep.weightKilograms)
    let dt = 5.0 / 60
    for (index, regimen) in sweep.regimens.enumerated() {
      let minutes = Double(regimen.durationSeconds) / 60
      #expect(result.peakMinutes[index] == minutes)
      let cp = try WorkloadAgreementTests.gridCurve(
        try subject.parameters(), rate: regimen.milligramsPerKilogram * sweep.weightKilograms / minutes,
        infusionMinutes: minutes, minutes: 120, stepSeconds: 5)
      #expect(abs(result.peak[index] - cp.max()!) <= 1e-11 * cp.max()!)
      for (j, threshold) in sweep.thresholds.enumerated() {
        let grid = Double(cp.filter { $0 > threshold.nanogramsPerMilliliter }.count) * dt
        #expect(abs(result.minutesAbove[j][index] - grid) <= 2 * dt)
      }
    }
  }

  /// W3 through the population engine: the fraction above a level summed over the grid equals the subjects'
  /// exact times above it (pass 1 of the same engine, the same subjects) within a step per crossing, and
  /// the bands are ordered.
  @Test func bandsAgreeWithTheSubjectsReadOut() throws {
    let population = try LibraryPopulation(subjects: 300, stepSeconds: 60)
    let (columns, rows) = try population.bandTable()
    let layout = population.simulation.layout
    var subjects: [[Double]] = []
    try population.simulation.streamSubjectRows { subjects.append($0) }
    #expect(subjects.count == 300)
    let dt = 1.0
    for threshold in try PopulationScenario.catalogueThresholds() {
      let band = try #require(columns.firstIndex(of: "p_above_\(threshold.name)"))
      let column = try #require(layout.subjectColumns.firstIndex(of: "cp_time_above_\(threshold.name)_min"))
      let fromBands = rows.map { $0[band] * 300 * dt }.reduce(0, +)
      let exact = subjects.map { $0[column] }.reduce(0, +)
      #expect(abs(fromBands - exact) <= 2 * dt * 300, "\(threshold.name): \(fromBands) vs \(exact)")
    }
    let (p05, p50, p95) = (
      try #require(columns.firstIndex(of: "cp_p05_ng_per_ml")),
      try #require(columns.firstIndex(of: "cp_p50_ng_per_ml")),
      try #require(columns.firstIndex(of: "cp_p95_ng_per_ml"))
    )
    for row in rows { #expect(row[p05] <= row[p50] && row[p50] <= row[p95]) }
  }
}
