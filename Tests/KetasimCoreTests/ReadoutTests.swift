import Foundation
import Testing

@testable import KetasimCore

// The clinical read-out (peak, AUC, threshold crossings, post-dose times)
// checked against references computed here from textbook closed forms:
// analytic crossing times for one compartment, and bisection on the test
// suite's own two-compartment α/β solution (TestSupport), never the engine.

@Suite("Clinical read-out against closed forms")
struct ReadoutTests {

  /// Clements 250 at 70 kg in micro-constants (opentiva values; Models/clements250.yaml).
  static let clements = TwoCompartmentClosedForm(v1: 1.7522 * 70, k10: 0.0109, k12: 0.0186, k21: 0.0137)
  static let antidepressant = [infusion(totalMilligrams: 35, fromMinutes: 0, overMinutes: 40)]

  static func clementsSimulation(_ doses: [Dose]) throws -> Simulation {
    let p = try pkMicro(v1: 1.7522 * 70, k10: 0.0109, k12: 0.0186, k21: 0.0137)
    return Simulation(disposition: Disposition(p), schedule: try schedule(doses))
  }

  /// The root of `f` in `[low, high]` by bisection (f(low), f(high) of opposite sign).
  static func bisect(_ low: Double, _ high: Double, _ f: (Double) -> Double) -> Double {
    var a = low
    var b = high
    let fa = f(a)
    for _ in 0..<200 {
      let m = (a + b) / 2
      if (f(m) > 0) == (fa > 0) { a = m } else { b = m }
    }
    return (a + b) / 2
  }

  @Test("one compartment: crossing times and time above equal the analytic values")
  func oneCompartmentCrossings() throws {
    // C(t) = Css(1 − e^{−kt}) during the infusion, C(T)e^{−k(t−T)} after.
    let volume = 50.0
    let clearance = 1.5
    let k = clearance / volume
    let rate = 2.0  // mg/min for 60 min
    let css = rate / clearance * 1000  // ng/mL
    let level = 600.0
    let up = -log(1 - level / css) / k
    let atStop = css * (1 - exp(-k * 60))
    let down = 60 + log(atStop / level) / k
    let simulation = Simulation(
      disposition: Disposition(try PKParameters(centralVolume: volume, clearance: clearance)),
      schedule: try schedule(infusion(rate, fromMinutes: 0, forMinutes: 60)))
    let readout = CurveReadout(
      simulation, site: .plasma, through: minutes(240),
      thresholds: [NamedThreshold(name: "t", nanogramsPerMilliliter: level)])
    let times = readout.thresholds[0]
    expectClose(try #require(times.firstAbove), up, rel: 1e-9)
    expectClose(try #require(times.lastAbove), down, rel: 1e-9)
    expectClose(times.minutesAbove, down - up, rel: 1e-9)
    expectClose(readout.maximum, atStop, rel: 1e-12, "Cmax is the end-of-infusion value")
    #expect(readout.timeOfMaximum == 60)
    // AUC over [0, 240]: ∫ of the two pieces.
    let during = css * (60 - (1 - exp(-k * 60)) / k)
    let after = atStop * (1 - exp(-k * 180)) / k
    expectClose(readout.areaUnderCurve, during + after, rel: 1e-10)
  }

  @Test("two compartments: crossings, peak and AUC of 0.5 mg/kg over 40 min (Clements 250)")
  func twoCompartmentAntidepressant() throws {
    let reference = Self.clements
    let doses = Self.antidepressant
    let c = { (t: Double) in reference.concentration(doses, at: t) * 1000 }
    let simulation = try Self.clementsSimulation(doses)
    let readout = CurveReadout(
      simulation, site: .plasma, through: minutes(240),
      thresholds: [
        NamedThreshold(name: "analgesia", nanogramsPerMilliliter: 100),
        NamedThreshold(name: "dissociation", nanogramsPerMilliliter: 150),
        NamedThreshold(name: "anesthesia", nanogramsPerMilliliter: 1000),
      ])
    // Cp rises during the infusion and falls after: the peak is at 40 min.
    expectClose(readout.maximum, c(40), rel: 1e-12)
    expectClose(readout.timeOfMaximum, 40, rel: 1e-9)
    for (index, level) in [100.0, 150].enumerated() {
      let up = Self.bisect(0, 40) { c($0) - level }
      let down = Self.bisect(40, 240) { c($0) - level }
      let times = readout.thresholds[index]
      #expect(abs(try #require(times.firstAbove) - up) < 1e-6, "up-crossing of \(level)")
      #expect(abs(try #require(times.lastAbove) - down) < 1e-6, "down-crossing of \(level)")
      #expect(abs(times.minutesAbove - (down - up)) < 2e-6)
    }
    let never = readout.thresholds[2]
    #expect(never.minutesAbove == 0 && never.firstAbove == nil && never.lastAbove == nil)
    // AUC by composite Simpson on the closed form, 24,000 panels.
    let n = 24_000
    let h = 240.0 / Double(n)
    var simpson = c(0) + c(240)
    for i in 1..<n { simpson += (i % 2 == 1 ? 4 : 2) * c(Double(i) * h) }
    simpson *= h / 3
    expectClose(readout.areaUnderCurve, simpson, rel: 1e-7)
  }

  @Test("a bolus jump across a threshold counts as a crossing at the bolus time")
  func bolusJump() throws {
    let doses = [infusion(0.5, fromMinutes: 0, forMinutes: 120), bolus(20, atMinutes: 30)]
    let simulation = try Self.clementsSimulation(doses)
    let level = Self.clements.concentration(doses, at: 30) * 1000 * 0.9  // just below the post-bolus value
    let readout = CurveReadout(
      simulation, site: .plasma, through: minutes(120),
      thresholds: [NamedThreshold(name: "x", nanogramsPerMilliliter: level)])
    let preBolus = Self.clements.concentration([doses[0]], at: 30) * 1000
    #expect(preBolus < level, "the level must lie between the pre- and post-bolus values")
    #expect(readout.thresholds[0].firstAbove == 30)
  }

  @Test("read-out times on 1-s and 1-min output grids agree: nothing depends on the grid")
  func gridIndependence() throws {
    let model = try ModelCatalog.builtIn().model(id: "domino1984")
    let patient = try Patient(weightKilograms: 82)
    let simulation = Simulation(
      disposition: Disposition(try model.parameters(for: patient)),
      schedule: try DosingSchedule(try DoseSpec(parsing: "0.5 mg/kg over 40 min").doses(forWeight: 82)))
    let thresholds = try ModelCatalog.builtIn().thresholds.defaults
    var tables: [SummaryTable] = []
    for step in [ClockTime.seconds(1), .minutes(1)] {
      let grid = try TimeGrid(end: hours(4), step: step)
      tables.append(
        SummaryTable(
          simulation: simulation, end: grid.end, model: model, patient: patient, thresholds: thresholds,
          ke0Source: "published", syringe: nil))
    }
    #expect(tables[0].rows == tables[1].rows)
  }

  @Test("the summary has every metric the issue names, for plasma and the effect site")
  func everyMetricPresent() throws {
    let catalog = try ModelCatalog.builtIn()
    let model = try catalog.model(id: "domino1984")
    let patient = try Patient(weightKilograms: 70)
    let simulation = Simulation(
      disposition: Disposition(try model.parameters(for: patient)),
      schedule: try DosingSchedule(try DoseSpec(parsing: "0.5 mg/kg over 40 min").doses(forWeight: 70)))
    let table = SummaryTable(
      simulation: simulation, end: hours(4), model: model, patient: patient,
      thresholds: catalog.thresholds.defaults, ke0Source: "published", syringe: 10)
    var expected = ["total_dose", "total_dose_per_kg", "total_volume", "ke0", "ke0_source", "warnings"]
    for site in ["cp", "ce"] {
      expected += ["\(site)_max", "\(site)_tmax", "\(site)_auc"]
      for name in ["analgesia", "dissociation", "anesthesia", "awakening"] {
        expected += ["\(site)_time_above_\(name)", "\(site)_first_above_\(name)", "\(site)_last_above_\(name)"]
      }
    }
    expected += ["cp_time_below_awakening_after_last_dose", "cp_time_below_analgesia_after_last_dose"]
    for metric in expected { #expect(table[metric] != nil, "missing \(metric)") }
    #expect(table["total_dose"] == "35.0")
    #expect(table["total_volume"] == "3.5", "35 mg at 10 mg/mL")
  }

  @Test("effect-site AUC equals ∫Cp − ΔCe/ke0 computed by quadrature of the engine's own Ce")
  func effectSiteArea() throws {
    let p = try dominoThreeCompartment(ke0: 0.238)
    let doses = [infusion(totalMilligrams: 35, fromMinutes: 0, overMinutes: 40), bolus(10, atMinutes: 90)]
    let simulation = Simulation(disposition: Disposition(p), schedule: try schedule(doses))
    let readout = CurveReadout(simulation, site: .effectSite, through: minutes(180), thresholds: [])
    // Ce is continuous (no jumps at boluses): composite Simpson on 0.005-min panels.
    let n = 36_000
    let h = 180.0 / Double(n)
    let values = simulation.states(at: (0...n).map { ClockTime(minutes: Double($0) * h) }).map { $0[3] * 1000 }
    var simpson = values[0] + values[n]
    for i in 1..<n { simpson += (i % 2 == 1 ? 4 : 2) * values[i] }
    simpson *= h / 3
    expectClose(readout.areaUnderCurve, simpson, rel: 1e-8)
  }

  @Test("time until plasma falls below a level after the last dose: analytic for one compartment")
  func timeUntilBelow() throws {
    let volume = 40.0
    let clearance = 1.2
    let simulation = Simulation(
      disposition: Disposition(try PKParameters(centralVolume: volume, clearance: clearance)),
      schedule: try schedule(bolus(80, atMinutes: 10)))
    let curve = ExactCurve(simulation, site: .plasma, through: minutes(30))
    // C = 2000 ng/mL right after the bolus; below 640 after ln(2000/640)/k.
    let expected = log(2000.0 / 640) / (clearance / volume)
    expectClose(curve.minutesUntilBelow(640, after: minutes(10)), expected, rel: 1e-9)
    #expect(curve.minutesUntilBelow(5000, after: minutes(10)) == 0)
  }

  // MARK: - Thresholds, warnings, columns

  @Test("threshold overrides: change, add, drop, and reject malformed ones")
  func thresholdOverrides() throws {
    let set = try ModelCatalog.builtIn().thresholds
    let changed = try set.applying(overrides: ["dissociation=200", "Emergence=500", "anesthesia=off"])
    #expect(changed.map(\.name) == ["analgesia", "dissociation", "awakening", "emergence"])
    #expect(changed[1].nanogramsPerMilliliter == 200)
    #expect(changed[3].nanogramsPerMilliliter == 500)
    // Dropping a reference threshold twice is fine; dropping a name that never was one is a typo.
    #expect(try set.applying(overrides: ["anesthesia=off", "anesthesia=off"]).count == 3)
    #expect(try set.applying(overrides: ["extra=50", "extra=off"]).count == 4)
    for bad in ["dissociation", "=5", "x=-1", "x=nan", "x=abc", "a b=5", "analgesai=off"] {
      #expect(throws: KetasimError.self, "\(bad)") { try set.applying(overrides: [bad]) }
    }
  }

  @Test("guideline warnings: analgesic bolus, induction dose, infusion rate, anaesthetic peak")
  func warnings() throws {
    let weight = 70.0
    func check(_ spec: String) throws -> [String] {
      DoseWarnings.check(
        try DosingSchedule(try DoseSpec(parsing: spec).doses(forWeight: weight)), weightKilograms: weight)
    }
    #expect(try check("0.3 mg/kg").isEmpty)
    #expect(try check("0.5 mg/kg").first?.contains("0.35 mg/kg") == true)
    #expect(try check("5 mg/kg").first?.contains("4.5") == true)
    #expect(try check("0.5 mg/kg over 40 min").isEmpty, "0.75 mg/kg/h is within 1 mg/kg/h")
    #expect(try check("1.5 mg/kg/h for 1 h").first?.contains("1 mg/kg/h") == true)
    // Two overlapping 0.6 mg/kg/h infusions make 1.2 mg/kg/h.
    let overlapping = try DosingSchedule(
      try DoseSpec(parsing: "0.6 mg/kg/h for 1 h").doses(forWeight: weight)
        + DoseSpec(parsing: "0.6 mg/kg/h for 1 h at 30 min").doses(forWeight: weight))
    #expect(DoseWarnings.check(overlapping, weightKilograms: weight).count == 1)

    let simulation = try Self.clementsSimulation([bolus(140, atMinutes: 0)])
    let readout = CurveReadout(
      simulation, site: .plasma, through: minutes(30),
      thresholds: [NamedThreshold(name: "anesthesia", nanogramsPerMilliliter: 500)])
    let anesthesia = readout.thresholds[0].threshold
    #expect(
      DoseWarnings.check(peak: readout.maximum, at: readout.timeOfMaximum, site: .plasma, anesthesia: anesthesia).count
        == 1, "Cp0 = 140/122.65 L = 1141 ng/mL > 500")
  }

  @Test("dosing past the end of the run warns with the amount given within it")
  func dosingPastTheEnd() throws {
    // 0.5 mg/kg over 40 h at 70 kg: 35 mg at 35/2400 mg/min; by 240 min, 3.5 mg.
    let schedule = try DosingSchedule(try DoseSpec(parsing: "0.5 mg/kg over 40 h").doses(forWeight: 70))
    let warnings = DoseWarnings.check(schedule, through: minutes(240))
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("until 2400 min") == true, "\(warnings)")
    #expect(warnings.first?.contains("3.5 of 35 mg") == true, "\(warnings)")
    #expect(DoseWarnings.check(schedule, through: minutes(2400)).isEmpty, "ending exactly at the end is not past it")
  }

  @Test("time-series threshold flags and pump rate follow the values in each row")
  func timeSeriesColumns() throws {
    let simulation = try Self.clementsSimulation(Self.antidepressant)
    let course = TimeCourse(
      simulation: simulation, grid: try TimeGrid(end: hours(2), step: .minutes(5)),
      thresholds: [NamedThreshold(name: "analgesia", nanogramsPerMilliliter: 100)],
      syringeMilligramsPerMilliliter: 10)
    var bytes: [UInt8] = []
    var writer = CSVWriter { bytes += $0 }
    try course.write(to: &writer)
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",") }
    #expect(lines[0] == ["time_min", "rate_mg_per_h", "rate_ml_per_h", "cp_ng_per_ml", "above_analgesia"])
    for row in lines.dropFirst() {
      let time = try #require(Double(row[0]))
      let cp = Self.clements.concentration(Self.antidepressant, at: time) * 1000
      #expect(row[4] == (cp > 100 ? "1" : "0"), "at \(time) min, Cp \(cp)")
      let rate = time < 40 ? 52.5 : 0
      #expect(try #require(Double(row[1])) == rate)
      #expect(try #require(Double(row[2])) == rate / 10)
    }
  }
}
