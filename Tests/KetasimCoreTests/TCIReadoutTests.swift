import Foundation
import Testing

@testable import KetasimCore

// The TCI read-out (TCISummary, TargetAttainment) against one-compartment
// closed forms: total dose, time to within 5 % and time above a threshold
// under a pump limit, and the warning for a target the pump cannot reach.

@Suite("Target-controlled infusion: read-out")
struct TCIReadoutTests {
  static let (volume, clearance) = (20.0, 1.0)
  static var k: Double { clearance / volume }

  static func summary(_ tci: TargetControlledInfusion<Disposition>) throws -> TCISummary {
    let catalog = try ModelCatalog.builtIn()
    // The definition only labels the rows here; the disposition is the plan's.
    return TCISummary(
      tci, model: try catalog.model(id: "domino1984"), patient: try Patient(weightKilograms: 70),
      thresholds: [NamedThreshold(name: "analgesia", nanogramsPerMilliliter: 100)], ke0Source: "test")
  }

  @Test("pump-limited fill: dose, volume, time to 95 %, time above a threshold and overshoot from closed forms")
  func limitedFill() throws {
    let limit = 0.5  // mg/min
    let parameters = try PKParameters(centralVolume: Self.volume, clearance: Self.clearance)
    let tci = try TargetControlledInfusion(
      disposition: Disposition(parameters), site: .plasma,
      targets: [try TargetStep(parsing: "150 ng/mL for 40 min")],
      pump: try InfusionPump(maximumMilligramsPerMinute: limit, syringeMilligramsPerMilliliter: 10),
      through: minutes(60))
    let table = try Self.summary(tci)
    func number(_ metric: String) throws -> Double {
      let text = try #require(table[metric], "row \(metric)")
      return try #require(Double(text), "\(metric) = '\(text)'")
    }
    // Dose: the limit until C reaches 0.15 mg/L at the end of period n + 1,
    // then CL·T to 40 min (C_n from the closed form R/CL·(1 − e^{−k n P})).
    let period = 10.0 / 60
    var n = 0
    while limit / Self.clearance * -expm1(-Self.k * period * Double(n + 1)) < 0.15 { n += 1 }
    let reached = Double(n + 1) * period
    let cn = limit / Self.clearance * -expm1(-Self.k * period * Double(n))
    let last = (0.15 - cn * exp(-Self.k * period)) * Self.clearance / -expm1(-Self.k * period)
    let dose = limit * Double(n) * period + last * period + Self.clearance * 0.15 * (40 - reached)
    expectClose(try number("total_dose"), dose, rel: 1e-9)
    expectClose(try number("total_volume"), dose / 10, rel: 1e-9)
    expectClose(try number("tci_max_rate"), 30, rel: 1e-12)
    expectClose(try number("tci_max_rate_ml"), 3, rel: 1e-12)
    expectClose(try number("largest_rate"), 30, rel: 1e-12)
    let t95 = -log(1 - 0.95 * 0.15 * Self.clearance / limit) / Self.k
    expectClose(try number("target_1_time_to_within_5pct"), t95, rel: 1e-7)
    expectClose(try number("target_1_predicted_time_to_target"), reached, rel: 1e-12)
    #expect(try number("target_1_overshoot") <= 150 * 1e-12)
    #expect(try number("target_1_hold_error_pct") <= 1e-9)
    // Above 100 ng/mL from the ramp's crossing until the washout after 40 min.
    let up = -log(1 - 0.1 * Self.clearance / limit) / Self.k
    let down = 40 + log(1.5) / Self.k
    expectClose(try number("cp_time_above_analgesia"), down - up, rel: 1e-7)
    #expect(table["warnings"]?.contains("not reached") == false)
  }

  @Test("a pump too slow for the target: no prediction, no time to within 5 %, and a warning")
  func unreachable() throws {
    // 0.1 mg/min can hold at most 100 ng/mL in this model.
    let parameters = try PKParameters(centralVolume: Self.volume, clearance: Self.clearance)
    let tci = try TargetControlledInfusion(
      disposition: Disposition(parameters), site: .plasma, targets: [try TargetStep(parsing: "150 ng/mL")],
      pump: try InfusionPump(maximumMilligramsPerMinute: 0.1), through: minutes(30))
    #expect(tci.periods.allSatisfy { $0.milligramsPerMinute == 0.1 })
    let table = try Self.summary(tci)
    #expect(table["target_1_predicted_time_to_target"] == "")
    #expect(table["target_1_time_to_within_5pct"] == "")
    #expect(table.warnings.contains { $0.contains("target 1 (150 ng/mL) is not reached") })
  }

  @Test("a step down: the fall is not an overshoot; the time to within 5 % is the closed-form decay")
  func stepDown() throws {
    let parameters = try PKParameters(centralVolume: Self.volume, clearance: Self.clearance)
    let tci = try TCISupport.plan(parameters, ["200 ng/mL for 10 min", "100 ng/mL for 20 min"], minutes: 30)
    let met = tci.attainment()
    #expect(met[1].overshoot <= 100 * 1e-9)
    expectClose(try #require(met[1].timeToWithin5Percent), log(200 / 105) / Self.k, rel: 1e-7)
    expectClose(met[1].maximum, 200, rel: 1e-12)
  }
}
