import Foundation
import Testing

@testable import KetasimCore

// Target steps, pump limits and plan requests: what is accepted, and the
// specific error for what is not.

@Suite("Target-controlled infusion: input")
struct TCIInputTests {
  @Test(
    "target steps parse with their units and durations",
    arguments: [
      ("150 ng/mL for 2 h", 150.0, 120.0),
      ("150ng/ml for 30 min", 150, 30),
      ("0.1 ug/mL for 90 s", 100, 1.5),
      ("0.2 mg/L over 1 h", 200, 60),
      ("0.25 mcg/mL for 1 d", 250, 1440),
      ("80 µg/L for 10 min", 80, 10),
      ("0 ng/mL for 5 min", 0, 5),
    ])
  func parsesSteps(text: String, nanograms: Double, minutes duration: Double) throws {
    let step = try TargetStep(parsing: text)
    #expect(abs(step.nanogramsPerMilliliter - nanograms) <= 1e-12 * nanograms)
    #expect(step.duration == minutes(duration))
  }

  @Test("a step without 'for' is open-ended")
  func openEnded() throws {
    let step = try TargetStep(parsing: "120 ng/mL")
    #expect(step.duration == nil && step.nanogramsPerMilliliter == 120)
  }

  @Test(
    "bad target steps are refused, quoting the text",
    arguments: [
      "", "150", "150 mg", "150 ng/mL for", "150 ng/mL for 2", "150 ng/mL for 0 min", "-5 ng/mL",
      "150 ng/mL at 2 h", "150 ng/mL for 2 h extra", "nan ng/mL", "2e6 ng/mL", "150 ng/kg",
    ])
  func refusesSteps(text: String) {
    #expect {
      try TargetStep(parsing: text)
    } throws: { error in
      guard case .invalidValue(let what, let value, _)? = (error as? KetasimError)?.problem else { return false }
      return what == "target" && value == text
    }
  }

  @Test("maximum rates: mL/h through the syringe, mg/h and mg/min directly, a bare number is mL/h")
  func parsesMaximumRate() throws {
    #expect(try InfusionPump.maximumRate(parsing: "1200 mL/h", syringeMilligramsPerMilliliter: 10) == 200)
    #expect(try InfusionPump.maximumRate(parsing: "1200", syringeMilligramsPerMilliliter: 10) == 200)
    #expect(try InfusionPump.maximumRate(parsing: "500 mg/h", syringeMilligramsPerMilliliter: nil) == 500.0 / 60)
    #expect(try InfusionPump.maximumRate(parsing: "2 mg/min", syringeMilligramsPerMilliliter: nil) == 2)
    #expect(try InfusionPump.maximumRate(parsing: "5 ml/min", syringeMilligramsPerMilliliter: 50) == 250)
    for (text, syringe) in [("1200 mL/h", nil), ("1200", nil), ("0 mg/h", 10), ("fast", 10), ("5 mg", 10.0)] {
      #expect(throws: KetasimError.self, "\(text)") {
        try InfusionPump.maximumRate(parsing: text, syringeMilligramsPerMilliliter: syringe)
      }
    }
  }

  @Test("plans that cannot be made are refused with a specific error")
  func refusesPlans() throws {
    let plasmaOnly = try dominoThreeCompartment()
    let disposition = Disposition(plasmaOnly)
    let pump = try InfusionPump()
    func plan(_ texts: [String], _ site: CurveReadout.Site = .plasma, end: Double = 60) throws {
      _ = try TargetControlledInfusion(
        disposition: disposition, site: site, targets: try texts.map(TargetStep.init(parsing:)), pump: pump,
        through: minutes(end))
    }
    func what(_ body: () throws -> Void) -> String? {
      do { try body() } catch let error as KetasimError {
        guard case .invalidValue(let what, _, _) = error.problem else { return "other" }
        return what
      } catch { return "other" }
      return nil
    }
    #expect(what { try plan([]) } == "target")
    #expect(what { try plan(["100 ng/mL", "150 ng/mL for 10 min"]) } == "target", "open-ended not last")
    #expect(what { try plan(["100 ng/mL for 50 min", "150 ng/mL for 20 min"]) } == "duration", "past the end")
    #expect(what { try plan(["100 ng/mL"], end: 0) } == "duration")
    #expect(what { try plan(["100 ng/mL"], .effectSite) } == "site", "no effect site in this model")
    #expect(what { try plan(["100 ng/mL for 60 min"]) } == nil)
    #expect(throws: KetasimError.self) { try InfusionPump(period: .zero) }
    #expect(throws: KetasimError.self) { try InfusionPump(maximumMilligramsPerMinute: -1) }
    #expect(throws: KetasimError.self) { try InfusionPump(syringeMilligramsPerMilliliter: .nan) }
  }

  @Test("periods restart at each step and the last of a step is shorter; after the last step the pump is off")
  func periodLayout() throws {
    let tci = try TCISupport.plan(
      try dominoThreeCompartment(), ["100 ng/mL for 25 s", "150 ng/mL for 1 min"], minutes: 2)
    let starts = tci.periods.map { Int($0.start.microseconds / 1_000_000) }
    #expect(starts == [0, 10, 20, 25, 35, 45, 55, 65, 75, 85, 95, 105, 115])
    #expect(tci.periods.map(\.step) == [0, 0, 0] + Array(repeating: 1, count: 6) + Array(repeating: nil, count: 4))
    #expect(tci.periods.last?.end == minutes(2))
    #expect(tci.periods.suffix(4).allSatisfy { $0.milligramsPerMinute == 0 })
  }
}
