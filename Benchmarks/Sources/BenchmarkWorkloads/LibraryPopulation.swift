import Foundation
import KetasimCore

/// W2 and W3 through the product's own population engine
/// (`PopulationSimulation`, what `ketasim population` runs), on the
/// scenario's model and weights with ω 0.3 on V1, CL, Q2 and V2.
///
/// The engine draws its own etas (`CounterRandom`), so its subjects are not
/// the ones of ``PopulationScenario/subjects(count:seed:)``: this workload
/// is timed and its allocations counted, not compared subject by subject.
/// One thread, as every other workload here.
public struct LibraryPopulation: Sendable {
  public let simulation: PopulationSimulation

  /// - Parameters:
  ///   - subjects: the population size.
  ///   - stepSeconds: the output grid step over 24 h.
  public init(subjects: Int, stepSeconds: Double) throws {
    let model = try ModelCatalog.loadModelFile(at: LibraryPopulation.modelPath)
    let patients = try PopulationScenario.subjects(count: subjects).map {
      try Patient(weightKilograms: $0.weightKilograms)
    }
    let design = PopulationDesign(
      model: model,
      variability: BetweenSubjectVariability(omegas: [.v1: 0.3, .cl: 0.3, .q2: 0.3, .v2: 0.3], source: .given),
      covariates: .table(patients), seed: PopulationScenario.defaultSeed)
    simulation = try PopulationSimulation(
      design: design, totalSubjects: subjects,
      grid: try TimeGrid(end: .minutes(PopulationScenario.durationMinutes), step: .seconds(stepSeconds)),
      thresholds: try PopulationScenario.catalogueThresholds(), percentiles: PercentileList([5, 50, 95]),
      doses: "0.5 mg/kg over 40 min", threads: 1
    ) { patient in
      try DosingSchedule([
        .infusion(
          milligramsPerMinute: PopulationScenario.doseMilligramsPerKilogram * patient.weightKilograms
            / PopulationScenario.infusionMinutes, start: .zero, duration: .minutes(PopulationScenario.infusionMinutes))
      ])
    }
  }

  /// The scenario's model file, `Benchmarks/peers/peers2cmt.yaml`.
  static var modelPath: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("peers/peers2cmt.yaml").path
  }

  /// Pass 1: every subject's exact read-out (peak, time above thresholds,
  /// by root finding on the exact solution); returns the largest peak.
  ///
  /// The pass draws its subjects (the engine works in blocks of subjects,
  /// so that memory does not grow with their number): that is measured too.
  public func readOut() throws -> Double {
    let column = simulation.layout.subjectColumns.firstIndex(of: "cp_max_ng_per_ml") ?? 0
    var largest = -Double.infinity
    try simulation.streamSubjectRows { largest = max(largest, $0[column]) }
    return largest
  }

  /// Pass 2 with every row kept: the bands CSV's columns and rows, as `ketasim population --output` writes
  /// them (for the comparison's check against the peers' bands; its timing is ``bands()``'s).
  public func bandTable() throws -> (columns: [String], rows: [[Double]]) {
    var rows: [[Double]] = []
    try simulation.streamBandRows { rows.append($0) }
    return (BandTable(layout: simulation.layout).columns, rows)
  }

  /// Pass 2: the streamed bands, as `ketasim population` writes them (the bands CSV's rows, percentiles from
  /// predicted brackets of bins, after drawing the subjects); returns the largest median.
  public func bands() throws -> Double {
    let column = BandTable(layout: simulation.layout).columns.firstIndex(of: "cp_p50_ng_per_ml") ?? 1
    var largest = -Double.infinity
    try simulation.streamBandRows { largest = max(largest, $0[column]) }
    return largest
  }
}
