import BenchmarkWorkloads
import Foundation
import Testing

@Suite struct ScenarioTests {
  @Test func splitMix64MatchesTheReferenceSequence() {
    // Vigna's splitmix64.c, seed 1234567.
    var generator = SplitMix64(seed: 1_234_567)
    let expected: [UInt64] = [
      6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
      4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
    ]
    #expect((0..<5).map { _ in generator.next() } == expected)
  }

  @Test func populationFollowsTheScenario() {
    let subjects = PopulationScenario.subjects(count: 4_000)
    // Subject i depends on (seed, i) only.
    #expect(PopulationScenario.subjects(count: 10) == Array(subjects.prefix(10)))
    #expect(PopulationScenario.subject(3_999, seed: PopulationScenario.defaultSeed) == subjects[3_999])
    let weights = subjects.map(\.weightKilograms)
    #expect(weights.allSatisfy { (40.0...150.0).contains($0) })
    // log-weight: mean log 70, SD 0.2 (clipping is rare at these bounds).
    let logs = weights.map { log($0) }
    let mean = logs.reduce(0, +) / Double(logs.count)
    let sd = (logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(logs.count)).squareRoot()
    #expect(abs(mean - log(70)) < 0.01)
    #expect(abs(sd - 0.2) < 0.01)
    // eta on CL: log(CL / typical CL) has SD 0.3.
    let etas = subjects.map { log($0.cl / PopulationScenario.typicalSubject(weightKilograms: $0.weightKilograms).cl) }
    let etaSD = (etas.map { $0 * $0 }.reduce(0, +) / Double(etas.count)).squareRoot()
    #expect(abs(etaSD - 0.3) < 0.015)
    // Dose: 0.5 mg/kg over 40 min.
    #expect(subjects.allSatisfy { abs($0.rateMilligramsPerMinute * 40 - 0.5 * $0.weightKilograms) < 1e-12 })
  }

  @Test func ceilingFormulaCountsInstructionsPerLaneStep() {
    let fused = ComputeCeiling(instructionSet: .avx512, width: 8, fused: true, laneMultiplyAddsPerSecond: 12e9)
    #expect(fused.laneStepsPerSecond(states: 2, perLaneParameters: false) == 3e9)
    #expect(fused.laneStepsPerSecond(states: 2, perLaneParameters: true) == 2e9)
    let plain = ComputeCeiling(instructionSet: .build, width: 2, fused: false, laneMultiplyAddsPerSecond: 12e9)
    #expect(plain.laneStepsPerSecond(states: 2, perLaneParameters: false) == 3e9)
    #expect(plain.laneStepsPerSecond(states: 3, perLaneParameters: true) == 24e9 / 21)
  }
}
