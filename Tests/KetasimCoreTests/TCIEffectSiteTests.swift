import Foundation
import Testing

@testable import KetasimCore

// Effect-site targeting (Shafer & Gregg 1992) checked against the closed
// form of a one-compartment model with an effect site (the bolus whose Ce
// peak equals the target, and its peak time), and by re-simulating the
// schedule and scanning every instant for the effect-site peak.

@Suite("Target-controlled infusion: effect site")
struct TCIEffectSiteTests {
  @Test("one compartment: the first period gives the closed-form bolus whose effect-site peak is the target")
  func closedFormBolus() throws {
    // Bolus D into V with k = CL/V: Ce(t) = D/V·ke0/(ke0 − k)·(e^{−kt} − e^{−ke0·t}),
    // peaking at t* = ln(ke0/k)/(ke0 − k). A 0.06-s period is a bolus to O(P).
    let (volume, clearance, ke0) = (20.0, 1.0, 0.5)
    let k = clearance / volume
    let peak = log(ke0 / k) / (ke0 - k)
    let perMilligram = 1 / volume * ke0 / (ke0 - k) * (exp(-k * peak) - exp(-ke0 * peak))
    let bolus = 0.15 / perMilligram
    let parameters = try PKParameters(centralVolume: volume, clearance: clearance, ke0: ke0)
    let tci = try TCISupport.plan(parameters, ["150 ng/mL"], site: .effectSite, periodSeconds: 0.06, minutes: 0.001)
    let first = tci.periods[0]
    expectClose(first.milligramsPerMinute * first.length.minutes, bolus, rel: 1e-4)
    expectClose(try #require(tci.steps[0].predictedTargetTime), peak, rel: 0, abs: 1e-3)
  }

  @Test("Domino with ke0 0.238: the fill's own Ce peak is the target, at the predicted time; the pump then pauses")
  func fillPeaksAtTarget() throws {
    let parameters = try dominoThreeCompartment(ke0: 0.238)
    let tci = try TCISupport.plan(parameters, ["150 ng/mL"], site: .effectSite, minutes: 20)
    let predicted = try #require(tci.steps[0].predictedTargetTime)
    // The first period alone, re-simulated: its Ce peak is the target.
    let alone = Simulation(
      disposition: Disposition(parameters),
      schedule: try schedule(infusion(tci.periods[0].milligramsPerMinute, fromMinutes: 0, forMinutes: 10.0 / 60)))
    let (index, scale) = TCISupport.readout(parameters, .effectSite)
    let range = TCISupport.exactRange(alone, index: index, scale: scale, from: 0, to: 20)
    expectClose(range.max, 150, rel: 1e-9)
    expectClose(TCISupport.value(alone, index: index, scale: scale, at: predicted, end: 20), 150, rel: 1e-9)
    // Until the peak the pump gives (practically) nothing more.
    for period in tci.periods.dropFirst() where period.end.minutes < predicted - 1e-6 {
      #expect(period.milligramsPerMinute <= 1e-9 * tci.periods[0].milligramsPerMinute, "\(period.start)")
    }
    // No second push: plasma peaks at the end of the fill and never returns there.
    let plasma = TCISupport.readout(parameters, .plasma)
    let fillPeak = TCISupport.value(tci.simulation, index: 0, scale: plasma.scale, at: 10.0 / 60, end: 20)
    let later = TCISupport.exactRange(tci.simulation, index: 0, scale: plasma.scale, from: 10.0 / 60, to: 20)
    #expect(later.max <= fillPeak * (1 + 1e-12))
  }

  @Test(
    "steps up and down: Ce within 5 % at the predicted time, never more than 2 % above, within 1 % once reached",
    arguments: [nil, 300.0])
  func stepsUpAndDown(limitMilligramsPerHour: Double?) throws {
    let parameters = try dominoThreeCompartment(ke0: 0.238)
    let tci = try TCISupport.plan(
      parameters, ["150 ng/mL for 20 min", "250 ng/mL for 20 min", "100 ng/mL for 20 min"], site: .effectSite,
      maxMilligramsPerMinute: limitMilligramsPerHour.map { $0 / 60 }, minutes: 60)
    let simulation = tci.simulation
    let (index, scale) = TCISupport.readout(parameters, .effectSite)
    for step in tci.steps {
      let target = step.nanogramsPerMilliliter
      let predicted = try #require(step.predictedTargetTime)
      let at = TCISupport.value(simulation, index: index, scale: scale, at: predicted, end: 60)
      expectClose(at, target, rel: 0.05, "at the predicted time")
      expectClose(at, target, rel: 1e-6, "the design: exactly at the predicted peak")
      let after = TCISupport.exactRange(simulation, index: index, scale: scale, from: predicted, to: step.end.minutes)
      #expect(after.max <= target * 1.02, "never more than 2 % above: \(after.max) vs \(target)")
      #expect(after.max <= target * (1 + 1e-9), "the design: at most the target")
      #expect(after.min >= target * 0.99, "held within 1 %: \(after.min) vs \(target)")
      let startsBelow =
        TCISupport.value(simulation, index: index, scale: scale, at: step.start.minutes, end: 60) < target
      if startsBelow {
        let whole = TCISupport.exactRange(
          simulation, index: index, scale: scale, from: step.start.minutes, to: step.end.minutes)
        #expect(whole.max <= target * (1 + 1e-9), "a step up never overshoots: \(whole.max)")
      }
    }
    for period in tci.periods {
      #expect(period.milligramsPerMinute >= 0)
      #expect(period.milligramsPerMinute <= (limitMilligramsPerHour ?? .infinity) / 60)
    }
    // The step down pauses the pump until Ce has come down to the target.
    let down = tci.periods.filter { $0.step == 2 }
    let resume = try #require(down.firstIndex { $0.milligramsPerMinute > 0 })
    #expect(resume >= 6, "paused for a minute at least")
    #expect(down.prefix(resume).allSatisfy { $0.milligramsPerMinute == 0 })
    #expect(down[resume].state[index] * 1000 <= 100 * (1 + 1e-9))
    #expect(down[resume - 1].state[index] * 1000 > 100)
  }

  @Test("a tight maximum: pinned at the limit from the start, and Ce never above the target")
  func tightLimit() throws {
    let parameters = try dominoThreeCompartment(ke0: 0.238)
    let limit = 60.0 / 60  // 60 mg/h
    let tci = try TCISupport.plan(
      parameters, ["150 ng/mL for 30 min"], site: .effectSite, maxMilligramsPerMinute: limit, minutes: 30)
    let predicted = try #require(tci.steps[0].predictedTargetTime)
    let pinned = tci.periods.prefix { $0.milligramsPerMinute == limit }
    #expect(pinned.count >= 6, "pinned for the first minute at least")
    // Pinned until the last period before the prediction started, no later.
    #expect(tci.periods[pinned.count].requestedMilligramsPerMinute <= limit)
    // As fast as the pump allows: until the pump first lets go, Ce is that of
    // the limit running from zero.
    let flat = Simulation(
      disposition: Disposition(parameters),
      schedule: try schedule(infusion(limit, fromMinutes: 0, forMinutes: 30)))
    let release = tci.periods[pinned.count].start.minutes
    let (index, scale) = TCISupport.readout(parameters, .effectSite)
    expectClose(
      TCISupport.value(tci.simulation, index: index, scale: scale, at: release, end: 30),
      TCISupport.value(flat, index: index, scale: scale, at: release, end: 30), rel: 1e-12)
    let range = TCISupport.exactRange(tci.simulation, index: index, scale: scale, from: 0, to: 30)
    #expect(range.max <= 150 * (1 + 1e-9), "never above: \(range.max)")
    expectClose(TCISupport.value(tci.simulation, index: index, scale: scale, at: predicted, end: 30), 150, rel: 1e-6)
  }

  @Test("random models with an effect site: rates within [0, maximum], Ce never above a step-up target")
  func randomPlans() throws {
    for seed in propertySeeds.prefix(3) {
      var rng = SplitMix64(seed: seed)
      for compartments in 1...3 {
        let parameters = try randomParameters(compartments: compartments, effectSite: true, using: &rng)
        let limit: Double? = rng.uniform(0...1) < 0.5 ? nil : rng.logUniform(1...200)
        let target = rng.uniform(50...300)
        let tci = try TCISupport.plan(
          parameters, ["\(target) ng/mL"], site: .effectSite, maxMilligramsPerMinute: limit, minutes: 15)
        for period in tci.periods {
          #expect(period.milligramsPerMinute >= 0 && period.milligramsPerMinute <= limit ?? .infinity)
        }
        let (index, scale) = TCISupport.readout(parameters, .effectSite)
        let range = TCISupport.exactRange(tci.simulation, index: index, scale: scale, from: 0, to: 15)
        #expect(range.max <= target * (1 + 1e-8), "seed \(seed), \(compartments) cmt: \(range.max) vs \(target)")
      }
    }
  }
}
