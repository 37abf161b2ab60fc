import Foundation
import Testing

@testable import KetasimCore

/// The dosing edge cases peers' users hit (reported on the peers' public issue
/// trackers, for example mrgsolve #267, #270 and #954),
/// through regimen files and event tables, each against a textbook closed
/// form (superposed single doses) or exact integer time arithmetic.
@Suite struct RegimenEdgeCaseTests {
  static let second: Int64 = 1_000_000
  static let minute = 60 * second
  static let hour = 60 * minute

  /// 1-compartment model of the nmtests cases: CL 1.1 L/h, V 20 L.
  static let oneCompartment = OneCompartmentClosedForm(volume: 20, clearance: 1.1 / 60)
  static func oneCompartmentParameters() throws -> PKParameters { try pkPerHour(cl: 1.1, v1: 20) }

  /// Clements 250 at 70 kg (Clements & Nimmo, Br J Anaesth 1981;53:27, as coded in opentiva `Clements250`):
  /// V1 1.7522 L/kg, k10 0.0109, k12 0.0186, k21 0.0137 /min.
  static let clements = TwoCompartmentClosedForm(v1: 1.7522 * 70, k10: 0.0109, k12: 0.0186, k21: 0.0137)
  static func clementsParameters() throws -> PKParameters {
    try pkMicro(v1: 1.7522 * 70, k10: 0.0109, k12: 0.0186, k21: 0.0137)
  }

  static func regimen(_ yaml: String) throws -> Regimen { try Regimen(yaml: yaml, file: "edge.yaml") }
  static func events(_ csv: String, unit: EventTable.TimeUnit = .hours) throws -> Regimen {
    try EventTable(csv: csv, file: "edge.csv", timeUnit: unit).regimen()
  }

  // MARK: - An observation exactly at an infusion stop (PKPDsim PR #21)

  @Test("an observation exactly at the infusion stop: closed-form value, rate 0, no extra stop event")
  func observationAtInfusionStop() throws {
    // 100 mg at 10 mg/h stops at 10 h; samples at 10 h (the stop) and around it.
    let regimen = try Self.events("TIME,AMT,RATE,EVID\n0,100,10,1\n9.5,0,0,0\n10,0,0,0\n10,0,0,0\n10.5,0,0,0\n")
    let simulation = try regimen.simulation(for: try Self.oneCompartmentParameters(), weightKilograms: 70)
    #expect(simulation.schedule.breakpoints.count == 2, "observations must not add breakpoints")
    #expect(simulation.schedule.rate(after: ClockTime(microseconds: 10 * Self.hour)) == 0)
    #expect(simulation.schedule.rate(after: ClockTime(microseconds: 10 * Self.hour - 1)) == 10.0 / 60)
    var rows: [(ClockTime, Double, Double)] = []
    simulation.forEachState(at: regimen.output.times) { time, state, rate in rows.append((time, state[0] / 20, rate)) }
    #expect(rows.map(\.0.microseconds) == [570, 600, 600, 630].map { Int64($0) * Self.minute })
    let dose: [Dose] = [.infusion(milligramsPerMinute: 10.0 / 60, start: .zero, duration: ClockTime(minutes: 600))]
    for (time, concentration, rate) in rows {
      expectClose(concentration, Self.oneCompartment.concentration(dose, at: time.minutes), rel: 1e-12, "Cp at \(time)")
      #expect(rate >= 0, "rate must never go negative")
      #expect(rate == (time.microseconds < 10 * Self.hour ? 10.0 / 60 : 0))
    }
    // Both samples at the stop report the same value.
    #expect(rows[1].1 == rows[2].1)
  }

  // MARK: - Two doses at the same time (rxode2 #1218)

  @Test("two boluses at the same time add up in one breakpoint")
  func twoBolusesAtTheSameTime() throws {
    let regimen = try Self.events("TIME,AMT,EVID\n1,10,1\n1,20,1\n1,0,0\n2,0,0\n")
    let simulation = try regimen.simulation(for: try Self.oneCompartmentParameters(), weightKilograms: 70)
    #expect(simulation.schedule.breakpoints.count == 1)
    #expect(simulation.schedule.breakpoints[0].bolusMilligrams == 30)
    let values = simulation.centralConcentrations(at: regimen.output.times)
    let single: [Dose] = [.bolus(milligrams: 30, at: ClockTime(minutes: 60))]
    expectClose(values[0], Self.oneCompartment.concentration(single, at: 60), rel: 1e-14, "at the doses")
    expectClose(values[1], Self.oneCompartment.concentration(single, at: 120), rel: 1e-14, "1 h later")
  }

  @Test("two infusions of different lengths starting at the same time (DUR) superpose")
  func twoInfusionsAtTheSameTime() throws {
    // 100 mg over 2 h and 50 mg over 1 h, both at 0: 50 + 50 mg/h, then 50 mg/h.
    let regimen = try Self.events("TIME,AMT,RATE,DUR\n0,100,-2,2\n0,50,-2,1\n")
    let schedule = try regimen.schedule(forWeight: 70)
    #expect(schedule.rate(after: .zero) == 100.0 / 120 + 50.0 / 60)
    #expect(schedule.rate(after: ClockTime(microseconds: Self.hour)) == 100.0 / 120)
    #expect(schedule.rate(after: ClockTime(microseconds: 2 * Self.hour)) == 0)
    let simulation = try regimen.simulation(for: try Self.clementsParameters(), weightKilograms: 70)
    let times = [15.0, 60, 90, 120, 180, 600]
    let values = simulation.centralConcentrations(at: times.map { ClockTime(minutes: $0) })
    for (time, value) in zip(times, values) {
      expectClose(value, Self.clements.concentration(schedule.doses, at: time), rel: 1e-12, "Cp at \(time) min")
    }
  }

  // MARK: - Repeats with an interval equal to or shorter than the infusion (PKPDsim PR #135)

  @Test("an infusion repeated with interval = length equals one long infusion, without a dip or a double rate")
  func intervalEqualToLength() throws {
    let repeated = try Self.regimen("steps:\n  - dose: 10 mg/h for 10 h every 10 h x 4\n")
    let schedule = try repeated.schedule(forWeight: 70)
    for boundary in [10, 20, 30] {
      let time = ClockTime(microseconds: Int64(boundary) * Self.hour)
      #expect(schedule.rate(after: time) == 10.0 / 60, "rate just after the \(boundary)-h boundary")
    }
    #expect(schedule.rate(after: ClockTime(microseconds: 40 * Self.hour)) == 0)
    let simulation = try repeated.simulation(for: try Self.oneCompartmentParameters(), weightKilograms: 70)
    let long: [Dose] = [.infusion(milligramsPerMinute: 10.0 / 60, start: .zero, duration: ClockTime(minutes: 2400))]
    for hour in [5.0, 10, 10.5, 20, 30, 40, 50] {
      let value = simulation.centralConcentrations(at: [ClockTime(minutes: hour * 60)])[0]
      expectClose(value, Self.oneCompartment.concentration(long, at: hour * 60), rel: 1e-12, "Cp at \(hour) h")
    }
  }

  @Test("an infusion repeated at an interval shorter than its length overlaps and superposes")
  func intervalShorterThanLength() throws {
    // 100 mg over 12 h every 6 h, three times: two run at once from 6 to 18 h.
    let overlapping = try Self.regimen("steps:\n  - dose: 100 mg over 12 h every 6 h x 3\n")
    let schedule = try overlapping.schedule(forWeight: 70)
    // Runs 0-12, 6-18 and 12-24 h: two at once from 6 h, one from 18 h, none from 24 h.
    #expect(schedule.rate(after: ClockTime(microseconds: 3 * Self.hour)) == 100.0 / 720)
    #expect(schedule.rate(after: ClockTime(microseconds: 6 * Self.hour)) == 2 * 100.0 / 720)
    #expect(schedule.rate(after: ClockTime(microseconds: 12 * Self.hour)) == 2 * 100.0 / 720)
    #expect(schedule.rate(after: ClockTime(microseconds: 18 * Self.hour)) == 100.0 / 720)
    #expect(schedule.rate(after: ClockTime(microseconds: 24 * Self.hour)) == 0)
    let simulation = try overlapping.simulation(for: try Self.clementsParameters(), weightKilograms: 70)
    for hour in [3.0, 6, 9, 12, 18, 24, 30, 48] {
      let value = simulation.centralConcentrations(at: [ClockTime(minutes: hour * 60)])[0]
      expectClose(value, Self.clements.concentration(schedule.doses, at: hour * 60), rel: 1e-12, "Cp at \(hour) h")
    }
  }

  @Test("a session repeated daily with a 24-h infusion (interval = length) never stops")
  func sessionIntervalEqualToLength() throws {
    let regimen = try Self.regimen(
      "sessions:\n  - every: 24 h\n    times: 3\n    steps:\n      - dose: 0.1 mg/kg/h for 24 h\n")
    let schedule = try regimen.schedule(forWeight: 60)
    // 0.1 mg/kg/h x 60 kg = 6 mg/h = 0.1 mg/min, without a break for 72 h.
    for hour in [0, 24, 48] {
      #expect(schedule.rate(after: ClockTime(microseconds: Int64(hour) * Self.hour)) == 0.1)
    }
    #expect(schedule.rate(after: ClockTime(microseconds: 72 * Self.hour)) == 0)
  }

  // MARK: - Times that are not exact in binary floating point (mrgsolve #1241, RxODE #405, PKPDsim PR #121)

  @Test("II of 4.5 h gives exactly three doses, none doubled")
  func decimalInterval() throws {
    let regimen = try Self.events("TIME,AMT,II,ADDL\n0,10,4.5,2\n")
    let schedule = try regimen.schedule(forWeight: 70)
    #expect(schedule.breakpoints.map(\.time.microseconds) == [0, 270, 540].map { Int64($0) * Self.minute })
    #expect(schedule.breakpoints.map(\.bolusMilligrams) == [10, 10, 10])
  }

  @Test("0.1-h doses and a 0.1-h grid meet at exactly the same instants")
  func tenthOfAnHour() throws {
    // 0.1 h is not a binary fraction; as whole microseconds it is 360,000,000.
    let regimen = try Self.regimen("steps:\n  - dose: 5 mg at 0.1 h every 0.1 h x 10\n")
    let schedule = try regimen.schedule(forWeight: 70)
    #expect(schedule.breakpoints.map(\.time.microseconds) == (1...10).map { Int64($0) * 6 * Self.minute })
    let grid = try TimeGrid(
      end: try ClockTime(parsingDuration: "24 h", what: "duration"),
      step: try ClockTime(parsingDuration: "0.1 h", what: "step"))
    #expect(grid.count == 241)
    #expect(grid[240].microseconds == 24 * Self.hour, "the last output is 24 h, not 23.999...")
    #expect(grid[3].microseconds == 18 * Self.minute)
    let simulation = try regimen.simulation(for: try Self.oneCompartmentParameters(), weightKilograms: 70)
    let values = simulation.centralConcentrations(at: Array(grid.times.prefix(15)))
    for (index, value) in values.enumerated() {
      // A bolus at an output time is included in that row.
      let t = Double(index) * 6
      expectClose(value, Self.oneCompartment.concentration(schedule.doses, at: t), rel: 1e-12, "Cp at \(t) min")
    }
  }

  @Test("1-s and 1/3-min times from an event table in minutes land on whole microseconds")
  func secondsAndThirdsOfAMinute() throws {
    // TIME in minutes: 1 s = 0.016666666666666666 min, 20 s = 0.3333333333333333 min.
    let regimen = try Self.events(
      "TIME,AMT,EVID\n0.016666666666666666,1,1\n0.3333333333333333,2,1\n0.6666666666666666,0,0\n", unit: .minutes)
    let schedule = try regimen.schedule(forWeight: 70)
    #expect(schedule.breakpoints.map(\.time.microseconds) == [Self.second, 20 * Self.second])
    #expect(regimen.output.times.map(\.microseconds) == [40 * Self.second])
    // A 1/3-min grid (20 s) hits the second bolus exactly, and its row includes it.
    let grid = try TimeGrid(end: ClockTime(microseconds: 2 * Self.minute), step: ClockTime.seconds(20))
    #expect(grid.times.map(\.microseconds) == (0...6).map { Int64($0) * 20 * Self.second })
    // And a 1-s grid agrees with the 1/3-min grid at the times they share.
    let fine = try TimeGrid(end: ClockTime(microseconds: 2 * Self.minute), step: ClockTime.seconds(1))
    let simulation = try regimen.simulation(for: try Self.clementsParameters(), weightKilograms: 70)
    let coarse = simulation.centralConcentrations(at: grid.times)
    let everySecond = simulation.centralConcentrations(at: fine.times)
    for (index, value) in coarse.enumerated() {
      #expect(value == everySecond[index * 20], "bit-identical at \(index * 20) s")
      let t = Double(index) / 3
      expectClose(value, Self.clements.concentration(schedule.doses, at: t), rel: 1e-12, "Cp at \(t) min")
    }
  }

  // MARK: - A bolus inside an infusion

  @Test("a bolus given during an infusion superposes on it")
  func bolusInsideAnInfusion() throws {
    let regimen = try Self.regimen(
      "steps:\n  - dose: 0.5 mg/kg over 40 min\n  - name: rescue\n    dose: 0.2 mg/kg at 20 min\n")
    let schedule = try regimen.schedule(forWeight: 70)
    #expect(
      schedule.rate(after: ClockTime(microseconds: 20 * Self.minute)) == 35.0 / 40, "the bolus leaves the rate alone")
    let simulation = try regimen.simulation(for: try Self.clementsParameters(), weightKilograms: 70)
    for t in [10.0, 20, 20.5, 40, 60, 240] {
      let value = simulation.centralConcentrations(at: [ClockTime(minutes: t)])[0]
      expectClose(value, Self.clements.concentration(schedule.doses, at: t), rel: 1e-12, "Cp at \(t) min")
    }
  }
}
