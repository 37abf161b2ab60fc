import Foundation
import Testing

@testable import KetasimCore

// TCI on a model with a general structure: planned on plasma with the general engine (eigen-decomposition of the
// whole structure, metabolite included), checked against the same parent planned in closed form (Disposition's
// spectral solution of the 2-cmt parent alone, an independent code path): the metabolite draws on the parent
// without feeding back, so the two plans must agree; the metabolite is shown, not targeted.

@Suite struct TCIGeneralTests {
  @Test func theParentsPlanEqualsTheClosedFormPlanAndTheMetaboliteIsShown() throws {
    let scenario = try MetaboliteFixture.scenario()
    guard case .general(let structure) = scenario.subject.individual else {
      Issue.record("the fixture is a general structure")
      return
    }
    let targets = try ["300 ng/mL for 30 min", "150 ng/mL for 45 min", "400 ng/mL"].map(TargetStep.init(parsing:))
    let pump = try InfusionPump(period: .seconds(15), maximumMilligramsPerMinute: 10)
    let general = try TargetControlledInfusion(
      disposition: try GeneralDisposition(checking: structure, name: "test"), site: .plasma, targets: targets,
      pump: pump, through: minutes(120))
    // The parent alone: V1 20 L, CL 1.2 L/min, V2 50 L, Q2 1.5 L/min (test_metabolite_model.yaml).
    let parent = try PKParameters(centralVolume: 20, clearance: 1.2, peripherals: [(volume: 50, clearance: 1.5)])
    let closed = try TargetControlledInfusion(
      disposition: Disposition(parent), site: .plasma, targets: targets, pump: pump, through: minutes(120))
    #expect(general.periods.count == closed.periods.count && general.periods.count == 480)
    for (a, b) in zip(general.periods, closed.periods) {
      expectClose(a.milligramsPerMinute, b.milligramsPerMinute, rel: 1e-9, abs: 1e-12, "t=\(a.start.minutes)")
    }
    // The pump limit binds at the start and the step down pauses it: the plan is not a trivial hold.
    #expect(
      general.periods.contains { $0.milligramsPerMinute == 10 }
        && general.periods.contains { $0.milligramsPerMinute == 0 })
    // The CSV shows the metabolite (never targeted) beside plasma.
    var bytes: [UInt8] = []
    var writer = CSVWriter { bytes += $0 }
    try general.writeSchedule(to: &writer)
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    #expect(lines[0] == "time_min,rate_mg_per_h,cp_ng_per_ml,nk_ng_per_ml,nk_nmol_per_ml,target_ng_per_ml")
    let last = lines[lines.count - 1].split(separator: ",").compactMap { Double(String($0)) }
    expectClose(last[2], 400, rel: 1e-6, "plasma held at the last target")
    expectClose(last[4], last[3] / 223.7, rel: 1e-12, "molar twin")
    #expect(last[3] > 100)
    // Effect-site targets need the mammillary engine: one clear error.
    #expect(throws: KetasimError.self) {
      try TargetControlledInfusion(
        disposition: try GeneralDisposition(
          checking: try structure.addingEffectSite(named: "ce", ke0: 0.2), name: "test"),
        site: .effectSite, targets: targets, pump: pump, through: minutes(120))
    }
  }
}
