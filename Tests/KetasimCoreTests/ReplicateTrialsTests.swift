import Foundation
import Testing

@testable import KetasimCore

// Replicate trials from parameter uncertainty: the draws have the published relative standard errors (closed-form
// moments), parameters are drawn independently, and a replicate's read-out is its drawn model's (a bolus's peak
// is dose/V1 of the replicate, in closed form).

@Suite("Replicate trials from parameter uncertainty")
struct ReplicateTrialsTests {
  static func flint() throws -> ModelDefinition { try ModelCatalog.builtIn().model(id: "flint2017") }

  @Test("each θ is drawn with its published RSE: standardised draws have mean 0, variance 1, no correlation")
  func drawMoments() throws {
    let model = try Self.flint()
    let trials = try ReplicateTrials(model: model, seed: 11)
    #expect(trials.varying.map(\.name) == ["CL", "V1", "Q", "V2", "CLNK"], "the parameters that publish an RSE")
    let n = 4000
    var z: [[Double]] = trials.varying.map { _ in [] }
    for replicate in 1...n {
      let drawn = trials.model(forReplicate: replicate)
      for (k, parameter) in trials.varying.enumerated() {
        let published = model.parameters[parameter.index]
        let value = drawn.parameters[parameter.index]
        #expect(value.value > 0)
        // The published value and the engine's value move together.
        #expect(abs(value.canonicalValue / published.canonicalValue - value.value / published.value) < 1e-12)
        z[k].append((value.value / published.value - 1) / (published.relativeStandardErrorPercent! / 100))
      }
      // VNK publishes no SE (fixed at 1 L) and stays.
      #expect(drawn.parameters.first { $0.name == "VNK" }?.value == 1)
    }
    for (k, values) in z.enumerated() {
      let mean = values.reduce(0, +) / Double(n)
      let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
      #expect(abs(mean) < 4 / Double(n).squareRoot(), "\(trials.varying[k].name): mean \(mean)")
      #expect(abs(variance - 1) < 4 * (2 / Double(n)).squareRoot(), "\(trials.varying[k].name): variance \(variance)")
    }
    let r = zip(z[0], z[1]).reduce(0) { $0 + $1.0 * $1.1 } / Double(n)
    #expect(abs(r) < 4 / Double(n).squareRoot(), "CL and V1 drawn independently: r = \(r)")
    // Another seed, other draws; the same seed, the same.
    let again = try ReplicateTrials(model: model, seed: 11).model(forReplicate: 5).parameters.map(\.value)
    #expect(again == trials.model(forReplicate: 5).parameters.map(\.value))
    #expect(try ReplicateTrials(model: model, seed: 12).model(forReplicate: 5).parameters.map(\.value) != again)
  }

  @Test("a replicate's read-out is its drawn model's: a bolus peaks at dose/V1 of the replicate")
  func bolusPeakIsDoseOverDrawnV1() throws {
    let model = try Self.flint()
    var trials = try ReplicateTrials(model: model, seed: 3)
    let patient = try Patient(weightKilograms: 20, ageYears: 5)
    let schedule = try DosingSchedule([.bolus(milligrams: 10, at: .zero)])
    let grid = try TimeGrid(end: .hours(2), step: .minutes(1))
    func readout(_ model: ModelDefinition) throws -> [MetricRow] {
      // Variability on CL and CLNK only (as published): every subject's V1 is the replicate's.
      let variability = BetweenSubjectVariability(omegas: [.cl: 0.39], source: .given)
      let design = PopulationDesign(
        model: model, ke0Override: nil, variability: variability, covariates: .fixed(patient), seed: 1)
      let simulation = try PopulationSimulation(
        design: design, totalSubjects: 50, grid: grid, thresholds: [],
        percentiles: .standard, doses: "10 mg", threads: 1
      ) { _ in schedule }
      var table = PopulationSummary(layout: simulation.layout)
      try simulation.streamSubjectRows { table.add($0) }
      return table.rows
    }
    var peaks: [Double] = []
    for replicate in 1...40 {
      let drawn = trials.model(forReplicate: replicate)
      let rows = try readout(drawn)
      trials.add(drawn, summary: rows)
      let v1 = try #require(drawn.parameters.first { $0.name == "V1" }).value * 20 / 70
      let peak = try #require(Double(rows.first { $0.metric == "cp_max_p50" }?.value ?? ""))
      #expect(abs(peak - 10 / v1 * 1000) <= 1e-9 * peak, "replicate \(replicate): \(peak) vs \(10 / v1 * 1000)")
      peaks.append(peak)
    }
    #expect(Set(peaks.map { ($0 * 1e6).rounded() }).count == 40, "every replicate differs")
    // The uncertainty table's p05..p95 of cp_max_p50 are order statistics of those peaks.
    var bytes: [UInt8] = []
    var writer = CSVWriter { bytes += $0 }
    try trials.writeUncertainty(published: try readout(model), percents: [5, 50, 95], to: &writer)
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    let row = try #require(lines.first { $0.hasPrefix("cp_max_p50,") }).split(separator: ",")
    let sorted = peaks.sorted()
    #expect(Double(row[3]) == sorted[1] && Double(row[4]) == sorted[19] && Double(row[5]) == sorted[37], "\(row)")
    let published = 10 / (7.73 * 20 / 70) * 1000
    #expect(abs(Double(row[2])! - published) <= 1e-9 * published)
  }

  @Test("a model that publishes no standard errors is refused")
  func noStandardErrors() throws {
    #expect(throws: KetasimError.self) {
      try ReplicateTrials(model: try ModelCatalog.builtIn().model(id: "clements250"), seed: 1)
    }
  }
}
