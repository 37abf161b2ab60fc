import Foundation
import Testing

@testable import KetasimCore

// Population runs against closed forms: a one-compartment bolus with
// log-normal variability on one parameter has threshold probabilities
// Φ(...) in closed form; zero variability must reproduce the single-patient
// simulation; threads and shards must not change a single byte.

/// A one-compartment test model (not a published one): V1 40 L, CL 2 L/min,
/// neither scaled by weight.
let oneCompartmentModelYAML = """
  id: onecmt
  name: "One-compartment test model"
  drug: racemic ketamine
  compartments: 1
  sampling: unknown
  sampling_note: "Test model."
  population: "None."
  citation: "None."
  scaling: "None: fixed volume and clearance."
  parameters:
    V1: {value: 40, unit: L, source: "test", verification: "[R] test value"}
    CL: {value: 2, unit: L/min, source: "test", verification: "[R] test value"}
  validity:
    weight_kg: {min: 45, max: 110, source: "assumption: test"}
    age_years: {min: 18, max: 75, source: "assumption: test"}
  notes:
    - "Test model."
  """

@Suite("Population runs")
struct PopulationSimulationTests {

  static func oneCompartment() throws -> ModelDefinition {
    try ModelDefinition(yaml: oneCompartmentModelYAML, file: "onecmt.yaml")
  }

  static func thresholds(_ values: [Double]) -> [NamedThreshold] {
    values.enumerated().map { NamedThreshold(name: "t\($0.offset)", nanogramsPerMilliliter: $0.element) }
  }

  /// Runs the bands and returns, per output time, the histograms per site.
  static func histograms(_ simulation: PopulationSimulation) throws -> [[ConcentrationHistogram]] {
    var result: [[ConcentrationHistogram]] = []
    try simulation.streamHistograms { _, _, histograms in result.append(histograms) }
    return result
  }

  static func bandsCSV(_ source: some PopulationSource) throws -> [UInt8] {
    var bytes: [UInt8] = []
    var writer = CSVWriter { bytes += $0 }
    try PopulationOutput.writeBands(source, to: &writer)
    return bytes
  }

  // MARK: - Closed forms

  @Test("IIV on V only: P(Cp(0) > T) = Φ((ln(D/T) − ln V)/ω) within 4 binomial SDs")
  func volumeVariability() throws {
    let n = 4000
    let omega = 0.3
    let dose = 100.0  // mg, bolus at 0: Cp(0) = D/V_i
    let levels = [1800.0, 2200, 2500, 2900, 3500]  // ng/mL
    let simulation = try PopulationSimulation(
      design: PopulationDesign(
        model: try Self.oneCompartment(),
        variability: BetweenSubjectVariability(omegas: [.v1: omega], source: .given),
        covariates: .fixed(try Patient(weightKilograms: 70)), seed: 3),
      totalSubjects: n, grid: try TimeGrid(end: minutes(10), step: .minutes(5)), thresholds: Self.thresholds(levels),
      percentiles: PercentileList([5, 50, 95]), doses: "100 mg", threads: 2
    ) { _ in try schedule(bolus(dose, atMinutes: 0)) }
    let first = try Self.histograms(simulation)[0][0]
    #expect(first.count == n)
    for (index, level) in levels.enumerated() {
      // Cp = 1000·D/V > T  ⇔  V < 1000·D/T.
      let p = StandardNormal.cdf((log(1000 * dose / level) - log(40)) / omega)
      let observed = first.fractionAbove(index)
      let bound = 4 * (p * (1 - p) / Double(n)).squareRoot() + 1 / Double(n)
      #expect(abs(observed - p) <= bound, "T \(level): observed \(observed), closed form \(p), bound \(bound)")
    }
    // The median of D/V_i is D/V: the sample median lies between the true
    // quantiles at 50 % ± 4 SDs of a binomial proportion.
    let delta = 4 * (0.25 / Double(n)).squareRoot()
    let low = 1000 * dose / (40 * exp(omega * StandardNormal.quantile(0.5 + delta)))
    let high = 1000 * dose / (40 * exp(omega * StandardNormal.quantile(0.5 - delta)))
    let median = first.quantile(50)
    #expect(median >= low * (1 - 0x1p-9) && median <= high * (1 + 0x1p-9), "median \(median) in \(low)…\(high)")
  }

  @Test("IIV on CL only: P(Cp(t) > T) = Φ((ln((V/t)·ln(D/(V·T))) − ln CL)/ω) at every time")
  func clearanceVariability() throws {
    let n = 4000
    let omega = 0.4
    let dose = 100.0
    let levels = [500.0, 1000, 1500]
    let grid = try TimeGrid(end: minutes(40), step: .minutes(5))
    let simulation = try PopulationSimulation(
      design: PopulationDesign(
        model: try Self.oneCompartment(),
        variability: BetweenSubjectVariability(omegas: [.cl: omega], source: .given),
        covariates: .fixed(try Patient(weightKilograms: 70)), seed: 11),
      totalSubjects: n, grid: grid, thresholds: Self.thresholds(levels), percentiles: .standard, doses: "100 mg",
      threads: 1
    ) { _ in try schedule(bolus(dose, atMinutes: 0)) }
    let histograms = try Self.histograms(simulation)
    var checked = 0
    for (timeIndex, time) in grid.times.enumerated() where time > .zero {
      let t = time.minutes
      for (index, level) in levels.enumerated() {
        // Cp(t) = D/V·e^{−CL·t/V} > T  ⇔  CL < (V/t)·ln(D/(V·T)).
        let ratio = 1000 * dose / (40 * level)
        let p = ratio <= 1 ? 0 : StandardNormal.cdf((log(40 / t * log(ratio)) - log(2)) / omega)
        let observed = histograms[timeIndex][0].fractionAbove(index)
        let bound = 4 * (p * (1 - p) / Double(n)).squareRoot() + 1 / Double(n)
        #expect(abs(observed - p) <= bound, "t \(t), T \(level): \(observed) vs \(p)")
        checked += 1
      }
      // p95 of Cp(t) belongs to the 5th percentile of CL: the sample
      // percentile lies between the closed-form ones at 5 % ± 4 SDs.
      let delta = 4 * (0.05 * 0.95 / Double(n)).squareRoot()
      func cp(_ clearanceQuantile: Double) -> Double {
        1000 * dose / 40 * exp(-2 * exp(omega * StandardNormal.quantile(clearanceQuantile)) * t / 40)
      }
      let estimate = histograms[timeIndex][0].quantile(95)
      #expect(estimate >= cp(0.05 + delta) * (1 - 0x1p-9) && estimate <= cp(0.05 - delta) * (1 + 0x1p-9), "t \(t)")
    }
    #expect(checked == 24)
  }

  // MARK: - Collapse onto the single patient

  @Test(
    "without variability every band equals the simulation of the typical patient",
    arguments: [0.0, 1e-7])
  func collapse(omega: Double) throws {
    let domino = try ModelCatalog.builtIn().model(id: "domino1984")
    let patient = try Patient(weightKilograms: 82)
    let doses = [
      infusion(totalMilligrams: 0.5 * 82, fromMinutes: 0.5, overMinutes: 40), bolus(20, atMinutes: 10.25),
    ]
    let grid = try TimeGrid(end: minutes(120.5), step: .minutes(1))
    let thresholds = try ModelCatalog.builtIn().thresholds.defaults
    let simulation = try PopulationSimulation(
      design: PopulationDesign(
        model: domino,
        variability: BetweenSubjectVariability(omegas: [.cl: omega, .v1: omega, .ke0: omega], source: .given),
        covariates: .fixed(patient), seed: 1),
      totalSubjects: 64, grid: grid, thresholds: thresholds, percentiles: PercentileList([0, 5, 50, 95, 100]),
      doses: "test", threads: 2
    ) { _ in try schedule(doses) }
    let typical = Simulation(
      disposition: Disposition(try domino.parameters(for: patient)), schedule: try schedule(doses))
    let states = typical.states(at: grid.times)
    let v1 = typical.disposition.parameters.centralVolume
    let histograms = try Self.histograms(simulation)
    // Kernel recursion vs per-event evaluation: 1e-12; the spread of the
    // subjects: about 4ω.
    let tolerance = 1e-12 + 6 * omega
    for (timeIndex, state) in states.enumerated() {
      let exact = [state[0] * (1000 / v1), state[3] * 1000]  // effect site: state 3
      for site in 0..<2 {
        for percent in [0.0, 5, 50, 95, 100] {
          expectClose(
            histograms[timeIndex][site].quantile(percent), exact[site], rel: tolerance, abs: 1e-12,
            "time \(grid[timeIndex]), site \(site), p\(percent)")
        }
        for (index, threshold) in thresholds.enumerated()
        where abs(exact[site] - threshold.nanogramsPerMilliliter) > 1e-6 * threshold.nanogramsPerMilliliter {
          #expect(
            histograms[timeIndex][site].fractionAbove(index) == (exact[site] > threshold.nanogramsPerMilliliter ? 1 : 0)
          )
        }
      }
    }
    // Per-subject read-outs are the single patient's exact read-out.
    if omega == 0 {
      let rows = try simulation.subjectRows()
      let readout = CurveReadout(typical, site: .plasma, through: grid.end, thresholds: thresholds)
      let column = simulation.layout.subjectColumns.firstIndex(of: "cp_max_ng_per_ml")!
      #expect(rows.allSatisfy { $0[column] == readout.maximum })
    }
  }

  // MARK: - Reproducibility

  static func herdSimulation(
    total: Int, shard: ShardSpec = .whole, threads: Int, seed: UInt64 = 21
  ) throws -> PopulationSimulation {
    let herd = try ModelCatalog.builtIn().model(id: "herd2007")
    return try PopulationSimulation(
      design: PopulationDesign(
        model: herd, ke0Override: 0.5, variability: try BetweenSubjectVariability(published: herd),
        covariates: .normalWeight(try Patient(weightKilograms: 30, ageYears: 8), standardDeviation: 8), seed: seed),
      totalSubjects: total, shard: shard, grid: try TimeGrid(end: minutes(90), step: .seconds(45)),
      thresholds: try ModelCatalog.builtIn().thresholds.defaults, percentiles: .standard, doses: "1 mg/kg + 0.5 mg/kg",
      threads: threads
    ) { patient in
      try schedule(
        bolus(1 * patient.weightKilograms, atMinutes: 0),
        infusion(totalMilligrams: 0.5 * patient.weightKilograms, fromMinutes: 20.2, overMinutes: 30))
    }
  }

  @Test("results do not depend on the thread count")
  func threads() throws {
    let one = try Self.herdSimulation(total: 101, threads: 1)
    let reference = try Self.histograms(one)
    for threads in [2, 3] {
      var other = try Self.herdSimulation(total: 101, threads: threads)
      #expect(try Self.histograms(other) == reference, "\(threads) threads")
      #expect(try other.subjectRows() == one.subjectRows(), "\(threads) threads")
      // The bands: small blocks run on this thread, every block over the threads.
      let bands = try PopulationOutput.bandRows(one)
      #expect(try PopulationOutput.bandRows(other) == bands, "\(threads) threads")
      other.smallestParallelBlock = 0
      #expect(try PopulationOutput.bandRows(other) == bands, "\(threads) threads, every block spread")
    }
  }

  /// Blocks of subjects (memory flat in the subject count) give exactly the
  /// bands and rows of one block, whatever the block size and thread count,
  /// and leave no temporary file behind.
  ///
  /// Serialized: the cases count the
  /// shared temporary directory's block files, which a concurrent case could
  /// be creating.
  @Test("results do not depend on the block size", .serialized, arguments: [1, 7, 32, 50, 100])
  func blockSize(size: Int) throws {
    let whole = try Self.herdSimulation(total: 101, threads: 2)
    #expect(whole.blocks.count == 1)
    var blocked = try Self.herdSimulation(total: 101, threads: size % 2 + 1)
    blocked.blockSize = size
    #expect(blocked.blocks.count == (101 + size - 1) / size)
    let temporary = FileManager.default.temporaryDirectory.path
    let blockFiles = {
      try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix(".ketasim-blocks") }
    }
    let before = try blockFiles()
    // Rows then bands (as the CLI reads them), and bands alone.
    #expect(try blocked.subjectRows() == whole.subjectRows())
    #expect(try Self.bandsCSV(blocked) == Self.bandsCSV(whole))
    #expect(try Self.histograms(blocked) == Self.histograms(whole))
    #expect(try blockFiles().count <= before.count, "block files are unlinked at once")
  }

  @Test("subject i is the same in populations of any size")
  func sizeIndependence() throws {
    let small = try Self.herdSimulation(total: 40, threads: 2).subjectRows()
    let large = try Self.herdSimulation(total: 90, threads: 2).subjectRows()
    #expect(Array(large.prefix(40)) == small)
    let otherSeed = try Self.herdSimulation(total: 40, threads: 2, seed: 22).subjectRows()
    #expect(otherSeed != small)
  }

  @Test("four shards merge into exactly the single run's bands, subjects and summary")
  func shardsMerge() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ketasim-shards-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let total = 103
    var paths: [String] = []
    for index in [3, 1, 4, 2] {
      let shard = ShardSpec(uncheckedIndex: index, count: 4)
      let path = directory.appendingPathComponent("shard-\(index).kspop").path
      try AtomicFile.write(to: path) { sink in
        try PopulationShard.write(
          try Self.herdSimulation(total: total, shard: shard, threads: 2), shard: shard, to: sink)
      }
      paths.append(path)
    }
    let single = try Self.herdSimulation(total: total, threads: 1)
    let merge = try PopulationMerge(paths: paths)
    #expect(merge.layout == single.layout)
    let mergedRows = try merge.subjectRows()
    #expect(try mergedRows == single.subjectRows())
    #expect(try Self.bandsCSV(merge) == Self.bandsCSV(single))
    #expect(
      try PopulationOutput.summary(mergedRows, layout: merge.layout).rows
        == PopulationOutput.summary(single.subjectRows(), layout: single.layout).rows)

    // Incomplete and foreign sets are refused.
    #expect(throws: KetasimError.self) { try PopulationMerge(paths: Array(paths.dropLast())) }
    #expect(throws: KetasimError.self) { try PopulationMerge(paths: paths + [paths[0]]) }
    let foreign = directory.appendingPathComponent("foreign.kspop").path
    try AtomicFile.write(to: foreign) { sink in
      let shard = ShardSpec(uncheckedIndex: 2, count: 4)
      try PopulationShard.write(
        try Self.herdSimulation(total: total, shard: shard, threads: 1, seed: 5), shard: shard, to: sink)
    }
    #expect(throws: KetasimError.self) { try PopulationMerge(paths: [paths[0], paths[1], paths[3], foreign]) }
  }
}
