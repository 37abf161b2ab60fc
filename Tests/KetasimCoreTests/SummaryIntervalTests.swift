import Foundation
import Testing

@testable import KetasimCore

// Prediction intervals of the population read-outs (time of the peak, AUC, time above each threshold): each
// percentile must be the nearest-rank order statistic of the subjects' own exact values, to within the bins'
// 2⁻⁹, and exactly 0 where that statistic is 0.

@Suite("Population read-out intervals")
struct SummaryIntervalTests {
  @Test("tmax, AUC and time-above percentiles are the subjects' nearest-rank values within 0.2 %")
  func intervalsMatchSubjects() throws {
    let catalog = try ModelCatalog.builtIn()
    let simulation = try PopulationSimulation(
      design: PopulationDesign(
        model: try catalog.model(id: "clements250"),
        variability: BetweenSubjectVariability(omegas: [.cl: 0.4, .v1: 0.4], source: .given),
        covariates: .fixed(try Patient(weightKilograms: 70)), seed: 9),
      totalSubjects: 5001, grid: try TimeGrid(end: minutes(360), step: .minutes(1)),
      thresholds: catalog.thresholds.defaults, percentiles: PercentileList([2.5, 50, 97.5]), doses: "test",
      threads: 2
    ) { patient in
      try schedule(infusion(totalMilligrams: 0.5 * patient.weightKilograms, fromMinutes: 0, overMinutes: 40))
    }
    let subjects = try simulation.subjectRows()
    let columns = simulation.layout.subjectColumns
    var summary = PopulationSummary(layout: simulation.layout)
    for row in subjects { summary.add(row) }
    let rows = Dictionary(uniqueKeysWithValues: summary.rows.map { ($0.metric, $0.value) })
    var checked = 0
    var metrics = [("cp_tmax", "cp_tmax_min"), ("cp_auc", "cp_auc_ng_min_per_ml")]
    metrics += simulation.layout.thresholdNames.map { ("cp_time_above_\($0)", "cp_time_above_\($0)_min") }
    for (metric, column) in metrics {
      let index = try #require(columns.firstIndex(of: column))
      let sorted = subjects.map { $0[index] }.sorted()
      for percent in [2.5, 50, 97.5] {
        let name = "\(metric)_\(PercentileList.label(percent))"
        let value = try #require(rows[name].flatMap(Double.init), "no row \(name)")
        let exact = PopulationSummary.nearestRank(sorted, percent)
        if exact == 0 {
          #expect(value == 0, "\(name)")
        } else {
          #expect(
            abs(value - exact) <= ConcentrationHistogram.relativeErrorBound * exact, "\(name): \(value) vs \(exact)")
        }
        checked += 1
      }
    }
    #expect(checked == 18)
    // The intervals are not degenerate: the AUC spreads with CL.
    let low = try #require(rows["cp_auc_\(PercentileList.label(2.5))"].flatMap(Double.init))
    let high = try #require(rows["cp_auc_\(PercentileList.label(97.5))"].flatMap(Double.init))
    #expect(high > 2 * low)
  }
}
