import BenchmarkWorkloads
import KetasimCore
import Testing

/// Each workload's methods against each other and against the exact
/// single-patient engine.
@Suite struct WorkloadAgreementTests {
  static func scenario(subjects: Int, stepSeconds: Double) throws -> PopulationScenario {
    PopulationScenario(
      subjects: PopulationScenario.subjects(count: subjects), stepSeconds: stepSeconds,
      thresholds: try PopulationScenario.catalogueThresholds())
  }

  @Test func fusedReadOutEqualsKernelAndReducer() throws {
    let scenario = try WorkloadAgreementTests.scenario(subjects: 70, stepSeconds: 30)
    var kernel = try PopulationPeaksWorkload(scenario, method: .kernel)
    var fused = try PopulationPeaksWorkload(scenario, method: .fused)
    kernel.run()
    fused.run()
    #expect(fused.peak == kernel.peak)
    #expect(fused.minutesAbove == kernel.minutesAbove)
    #expect(fused.peakMinutes == nil)
  }

  @Test func populationSummaryMatchesTheExactEngine() throws {
    // Subject by subject, the exact per-event evaluation on the same grid.
    let scenario = try WorkloadAgreementTests.scenario(subjects: 40, stepSeconds: 60)
    var summary = try PopulationPeaksWorkload(scenario, method: .fused)
    summary.run()
    let grid = try TimeGrid(end: .minutes(PopulationScenario.durationMinutes), step: .seconds(60))
    for (index, subject) in scenario.subjects.enumerated() {
      let schedule = try DosingSchedule([
        .infusion(
          milligramsPerMinute: subject.rateMilligramsPerMinute, start: .zero,
          duration: .minutes(PopulationScenario.infusionMinutes))
      ])
      let cp = Simulation(disposition: Disposition(try subject.parameters()), schedule: schedule)
        .centralConcentrations(at: grid.times).map { $0 * 1000 }
      let peak = cp.max()!
      #expect(abs(summary.peak[index] - peak) <= 1e-11 * peak)
      for (j, threshold) in scenario.thresholds.enumerated() {
        let minutes = Double(cp.filter { $0 > threshold.nanogramsPerMilliliter }.count)
        #expect(summary.minutesAbove[j][index] == minutes)
      }
    }
  }

  @Test func bandsAgreeWithPerSubjectCurves() throws {
    let scenario = try WorkloadAgreementTests.scenario(subjects: 101, stepSeconds: 120)
    var bands = try PopulationBandsWorkload(scenario)
    bands.run()
    var summary = try PopulationPeaksWorkload(scenario, method: .kernel)
    summary.run()
    // The time above a level summed over subjects equals the fraction above
    // it summed over times (both count subject-times above the level).
    let dt = scenario.stepSeconds / 60
    for j in scenario.thresholds.indices {
      let fromSubjects = summary.minutesAbove[j].reduce(0, +) / dt
      let fromBands = stride(from: j, to: bands.fractionAbove.count, by: bands.thresholdCount)
        .map { bands.fractionAbove[$0] * 101 }.reduce(0, +)
      #expect(abs(fromSubjects - fromBands) < 1e-6)
    }
    // The 100th percentile at each time is the largest subject value; its
    // maximum over time is the largest peak.
    let f = bands.fractions.count
    #expect(bands.fractions == [0.05, 0.5, 0.95])
    let p95 = stride(from: 2, to: bands.percentiles.count, by: f).map { bands.percentiles[$0] }
    #expect(p95.max()! < summary.peak.max()!)
    #expect(p95.max()! > summary.peak.sorted()[90])
  }

  @Test func regimenMethodsAgree() throws {
    let sweep = try RegimenSweep(doses: 7, durations: 9, hours: 2, stepSeconds: 5)
    let shapes = try sweep.run(.shapes)
    let superposition = try sweep.run(.superposition)
    let lanes = try sweep.run(.lanes)
    #expect(shapes.peak == superposition.peak)
    #expect(shapes.peakMinutes == superposition.peakMinutes)
    #expect(shapes.minutesAbove == superposition.minutesAbove)
    #expect(shapes.minutesAbove == lanes.minutesAbove)
    #expect(shapes.peakMinutes == lanes.peakMinutes)
    for (a, b) in zip(shapes.peak, lanes.peak) { #expect(abs(a - b) <= 1e-12 * b) }
    // A single infusion into the central compartment peaks when it stops.
    for (index, regimen) in sweep.regimens.enumerated() {
      #expect(shapes.peakMinutes[index] == Double(regimen.durationSeconds) / 60)
    }
  }
}
