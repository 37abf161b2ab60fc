import Foundation
import Testing

@testable import KetasimCore

// Plasma targeting checked against the one-compartment closed form (fill
// rate, maintenance rate CL·T, pause length of a step down, pinned rate and
// time to 95 % under a pump limit), against the ideal BET scheme of a
// two-compartment model (Kruger-Thiemer: given = V1·T + V2·T(1 − e^{−k21 t})
// + CL·T·t), and by re-simulating the schedule with the exact engine and
// checking every instant (exact extrema on each pump period, not a grid).

@Suite("Target-controlled infusion: plasma")
struct TCIPlasmaTests {
  /// One compartment: V 20 L, CL 1 L/min (k = 0.05 /min).
  static let volume = 20.0
  static let clearance = 1.0
  static var k: Double { clearance / volume }
  static func oneCompartment() throws -> PKParameters {
    try PKParameters(centralVolume: volume, clearance: clearance)
  }

  @Test("one compartment: the fill rate, then CL·T, as the closed form gives")
  func oneCompartmentRates() throws {
    let tci = try TCISupport.plan(try Self.oneCompartment(), ["150 ng/mL"], minutes: 30)
    let target = 0.15  // mg/L
    let period = 10.0 / 60
    // C(P) = r/CL·(1 − e^{−kP}) = T, then r = CL·T holds C at T exactly.
    expectClose(tci.periods[0].milligramsPerMinute, target * Self.clearance / -expm1(-Self.k * period), rel: 1e-12)
    #expect(tci.periods.count == 180)
    for period in tci.periods.dropFirst() {
      expectClose(period.milligramsPerMinute, Self.clearance * target, rel: 1e-9)
    }
    #expect(tci.steps[0].predictedTargetTime == period)
  }

  @Test("one compartment, tight maximum: pinned at the limit, then the closed-form last rate; never above target")
  func oneCompartmentPumpLimit() throws {
    let limit = 0.5  // mg/min: plateau 500 ng/mL, fills 150 ng/mL in about 7 min
    let tci = try TCISupport.plan(
      try Self.oneCompartment(), ["150 ng/mL for 30 min"], maxMilligramsPerMinute: limit, minutes: 30)
    let target = 0.15
    let period = 10.0 / 60
    let decay = exp(-Self.k * period)
    // Closed form under the limit: C_n = R/CL·(1 − e^{−k n P}).
    func pinned(_ n: Int) -> Double { limit / Self.clearance * -expm1(-Self.k * period * Double(n)) }
    var n = 0
    while pinned(n + 1) < target { n += 1 }
    for index in 0..<n { #expect(tci.periods[index].milligramsPerMinute == limit, "period \(index) is pinned") }
    let last = (target - pinned(n) * decay) * Self.clearance / (1 - decay)
    expectClose(tci.periods[n].milligramsPerMinute, last, rel: 1e-9)
    #expect(last < limit)
    expectClose(tci.periods[n + 1].milligramsPerMinute, Self.clearance * target, rel: 1e-9)
    // As fast as the pump allows: the time to 95 % is that of the limit from zero.
    let t95 = -log(1 - 0.95 * target * Self.clearance / limit) / Self.k
    let met = tci.attainment()[0]
    expectClose(try #require(met.timeToWithin5Percent), t95, rel: 1e-7)
    expectClose(try #require(met.predictedTimeToTarget), Double(n + 1) * period, rel: 1e-12)
    let (index, scale) = TCISupport.readout(try Self.oneCompartment(), .plasma)
    let range = TCISupport.exactRange(tci.simulation, index: index, scale: scale, from: 0, to: 30)
    #expect(range.max <= 150 * (1 + 1e-12), "never above the target: max \(range.max)")
    #expect(met.overshoot <= 150 * 1e-12)
  }

  @Test("one compartment, step down: the pump pauses for the closed-form number of periods")
  func oneCompartmentStepDown() throws {
    let tci = try TCISupport.plan(
      try Self.oneCompartment(), ["200 ng/mL for 20 min", "100 ng/mL"], minutes: 60)
    let period = 10.0 / 60
    let first = try #require(tci.periods.firstIndex { $0.step == 1 })
    #expect(tci.periods[first].start == minutes(20))
    // C = 200·e^{−k m P} after m paused periods; the pump resumes in the
    // first period whose stopped prediction is at or below 100.
    var paused = 0
    while 0.2 * exp(-Self.k * period * Double(paused + 1)) > 0.1 { paused += 1 }
    #expect(paused == Int((log(2) / (Self.k * period)).rounded(.up)) - 1)
    for index in first..<(first + paused) {
      #expect(tci.periods[index].milligramsPerMinute == 0, "paused at \(tci.periods[index].start)")
    }
    let start = 0.2 * exp(-Self.k * period * Double(paused))
    let resume = (0.1 - start * exp(-Self.k * period)) * Self.clearance / -expm1(-Self.k * period)
    #expect(resume > 0)
    expectClose(tci.periods[first + paused].milligramsPerMinute, resume, rel: 1e-9)
    expectClose(
      try #require(tci.steps[1].predictedTargetTime), 20 + Double(paused + 1) * period, rel: 1e-12)
  }

  @Test(
    "every catalogue model, steps up and down: once reached, plasma stays within 1 % at every instant",
    arguments: ["clements250", "hijazi2003", "herd2007", "sherwin2015", "domino1984", "kamp2020"])
  func holdsWithinOnePercent(model: String) throws {
    let definition = try ModelCatalog.builtIn().model(id: model)
    let parameters = try definition.parameters(for: try Patient(weightKilograms: 70, ageYears: 40))
    let tci = try TCISupport.plan(
      parameters, ["100 ng/mL for 20 min", "200 ng/mL for 20 min", "150 ng/mL for 30 min"], minutes: 70)
    let simulation = tci.simulation
    let (index, scale) = TCISupport.readout(parameters, .plasma)
    for step in tci.steps {
      let reached = try #require(step.predictedTargetTime, "step \(step.nanogramsPerMilliliter) is reached")
      let range = TCISupport.exactRange(simulation, index: index, scale: scale, from: reached, to: step.end.minutes)
      let target = step.nanogramsPerMilliliter
      #expect(range.min >= 0.99 * target && range.max <= 1.01 * target, "\(model) \(target): \(range)")
      // The plan's own hold error agrees with this independent scan.
      let met = tci.attainment()[tci.steps.firstIndex(of: step)!]
      let independent = max(range.max - target, target - range.min) / target
      expectClose(try #require(met.holdError), independent, rel: 1e-6, abs: 1e-12)
    }
    for period in tci.periods { #expect(period.milligramsPerMinute >= 0) }
  }

  @Test("re-simulating the schedule reproduces every planned state and hits the target at each period end")
  func replayReproducesPlan() throws {
    let parameters = try dominoThreeCompartment()
    let tci = try TCISupport.plan(parameters, ["150 ng/mL for 15 min", "80 ng/mL"], minutes: 40)
    let simulation = tci.simulation
    let states = simulation.states(at: tci.periods.map(\.start))
    for (period, state) in zip(tci.periods, states) {
      for lane in 0..<3 { expectClose(state[lane], period.state[lane], rel: 1e-12, abs: 1e-15) }
    }
    let ends = simulation.centralConcentrations(at: tci.periods.map(\.end))
    for (period, concentration) in zip(tci.periods, ends) where period.predictedTargetTime != nil {
      let target = tci.steps[period.step!].nanogramsPerMilliliter / 1000
      expectClose(concentration, target, rel: 1e-12)
    }
  }

  @Test("as the period shrinks, the total dose approaches the ideal two-compartment BET scheme")
  func approachesBET() throws {
    // Clements 250 at 70 kg (Models/clements250.yaml), 150 ng/mL for 60 min.
    let v1 = 1.7522 * 70
    let (k10, k12, k21) = (0.0109, 0.0186, 0.0137)
    let parameters = try pkMicro(v1: v1, k10: k10, k12: k12, k21: k21)
    let target = 0.15
    let t = 60.0
    let ideal = v1 * target + (k12 * v1 / k21) * target * -expm1(-k21 * t) + k10 * v1 * target * t
    var previous = Double.infinity
    for (seconds, bound) in [(10.0, 2e-3), (1.0, 2e-4)] {
      let tci = try TCISupport.plan(parameters, ["150 ng/mL"], periodSeconds: seconds, minutes: t)
      let gap = abs(tci.schedule.totalMilligrams - ideal) / ideal
      #expect(gap < bound, "period \(seconds) s: total \(tci.schedule.totalMilligrams) vs BET \(ideal)")
      #expect(gap < previous)
      previous = gap
    }
  }

  @Test("random models, targets and pump limits: rates within [0, maximum], targets met where unclamped")
  func randomPlans() throws {
    for seed in propertySeeds {
      var rng = SplitMix64(seed: seed)
      for compartments in 1...3 {
        let parameters = try randomParameters(compartments: compartments, effectSite: false, using: &rng)
        let targets = (0..<3).map { _ in "\(rng.uniform(20...400)) ng/mL for \(rng.integer(2...10)) min" }
        let limit: Double? = rng.uniform(0...1) < 0.5 ? nil : rng.logUniform(0.5...200)
        let tci = try TCISupport.plan(parameters, targets, maxMilligramsPerMinute: limit, minutes: 30)
        let ends = tci.simulation.centralConcentrations(at: tci.periods.map(\.end))
        for (period, concentration) in zip(tci.periods, ends) {
          #expect(period.milligramsPerMinute >= 0 && period.milligramsPerMinute.isFinite)
          #expect(period.milligramsPerMinute <= limit ?? .infinity)
          if let step = period.step, period.predictedTargetTime != nil {
            expectClose(concentration * 1000, tci.steps[step].nanogramsPerMilliliter, rel: 1e-9)
          }
          if period.step == nil { #expect(period.milligramsPerMinute == 0) }
        }
      }
    }
  }
}
