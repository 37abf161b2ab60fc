import Foundation
import Testing

@testable import KetasimCore

// Published values from other PK software (the public test files named in each case; see "External
// reference cases"), each checked to the precision it was printed with.
// R1–R9 are in hours, L/h and L; the engine works in minutes and L/min, so
// every parameter and time is converted with pkPerHour / hours(). mg/L are
// the engine's units; NONMEM's CP = A/(V/1000) is ng/mL = 1000 × mg/L.
// R11 (Domino parameters at 70 kg) is a parameter check: it belongs to the
// model tests and is not repeated here.

@Suite("External reference cases (clinPK, PKPDsim, nmtests, stanpumpR; K1, K2)")
struct ReferenceCaseTests {

  /// clinPK's 2-compartment set: CL 2.99 L/h, V 54 L, Q 2.28 L/h, V2 58.56 L.
  static func clinPK() throws -> PKParameters {
    try pkPerHour(cl: 2.99, v1: 54, peripherals: [(q: 2.28, v: 58.56)])
  }

  /// 1000 mg over 2 h starting at `hour`.
  static func clinPKInfusion(atHour hour: Double) -> Dose {
    infusion(totalMilligrams: 1000, fromMinutes: hour * 60, overMinutes: 120)
  }

  @Test("R1: clinPK 2-cmt infusion, two doses 12 h apart")
  func r1() throws {
    // R1: InsightRX/clinPK tests/testthat/test_pk_2cmt_inf.R (mg/L).
    let published: [(hour: Double, mgPerL: Double)] = [
      (0, 0), (1, 8.82), (2, 16.84), (3, 15.31), (4, 13.95),
      (12, 7.14), (13, 15.46), (14, 23.03), (15, 21.09), (16, 19.36), (17, 17.81),
    ]
    let values = try simulatedConcentrations(
      try Self.clinPK(), [Self.clinPKInfusion(atHour: 0), Self.clinPKInfusion(atHour: 12)],
      at: hourTimes(published.map(\.hour)))
    for (value, reference) in zip(values, published) {
      expectPrinted(value, reference.mgPerL, decimals: 2, "R1 at \(reference.hour) h")
    }
  }

  @Test("R2: clinPK 2-cmt infusion at steady state (SteadyState, τ 12 h)")
  func r2() throws {
    // R2: InsightRX/clinPK tests/testthat/test_pk_2cmt_inf_ss.R (mg/L); "29.2"
    // is R's print of 29.20.
    let published: [(hour: Double, mgPerL: Double)] = [(0, 21.25), (1, 29.2), (2, 36.41), (3, 34.14), (4, 32.09)]
    let disposition = Disposition(try Self.clinPK())
    let unit = [Self.clinPKInfusion(atHour: 0)]
    let steady = try SteadyState(of: unit, every: hours(12), disposition: disposition)
    #expect(steady.carryOver.isEmpty, "a 2-h infusion every 12 h leaves nothing running at time zero")
    let simulation = Simulation(
      disposition: disposition, schedule: try schedule(unit + steady.carryOver), initialState: steady.state)
    let values = simulation.centralConcentrations(at: hourTimes(published.map(\.hour)))
    for (value, reference) in zip(values, published) {
      expectPrinted(value, reference.mgPerL, decimals: 2, "R2 at \(reference.hour) h")
    }
  }

  @Test("R3: clinPK 2-cmt 1000 mg bolus")
  func r3() throws {
    // R3: InsightRX/clinPK tests/testthat/test_pk_2cmt_bolus.R (mg/L).
    let published = [18.52, 16.81, 15.29, 13.93, 12.71]
    let values = try simulatedConcentrations(
      try Self.clinPK(), [bolus(1000, atMinutes: 0)], at: hourTimes([0, 1, 2, 3, 4]))
    for (hour, (value, reference)) in zip(values, published).enumerated() {
      expectPrinted(value, reference, decimals: 2, "R3 at \(hour) h")
    }
  }

  /// PKPDsim's regimen: 100 mg over 1 h every 12 h, doses at 0, 12, …, 120 h
  /// (`seq(0, 12 * 5 * 2, 12)`, 11 doses).
  static let pkpdsimDoses = (0...10).map {
    infusion(totalMilligrams: 100, fromMinutes: Double($0) * 720, overMinutes: 60)
  }

  @Test("R4–R6: PKPDsim 1-, 2-, 3-cmt infusions q12h, Cp(23 h)", arguments: [1, 2, 3])
  func r4to6(compartments: Int) throws {
    // InsightRX/PKPDsim tests/testthat/test_advan.R: R4 (2-cmt 0.225), R5 (1-cmt 0.268), R6 (3-cmt 0.177):
    // InsightRX/PKPDsim tests/testthat/test_advan.R, CL 10, V 50, Q 5, V2 100,
    // Q2 3, V3 150 (L, h), rounded there to 3 decimals.
    let peripherals: [(q: Double, v: Double)] = Array(
      [(q: 5.0, v: 100.0), (q: 3.0, v: 150.0)].prefix(compartments - 1))
    let p = try pkPerHour(cl: 10, v1: 50, peripherals: peripherals)
    let published = [1: 0.268, 2: 0.225, 3: 0.177][compartments]!
    let value = try simulatedConcentrations(p, Self.pkpdsimDoses, at: [hours(23)])[0]
    expectPrinted(value, published, decimals: 3, "\(compartments)-cmt Cp(23 h)")
  }

  /// The nmtests 1-cmt model: CL 1.1 L/h, V 20 L.
  static func nmtests() throws -> PKParameters { try pkPerHour(cl: 1.1, v1: 20) }

  @Test("R7: NONMEM 7, 1-cmt, 100 mg at 10 mg/h every 24 h ×4")
  func r7() throws {
    // R7: mrgsolve/nmtests dosing/results/1001-nm.csv, ID 3
    // (NONMEM 7 output, 5 significant figures, ng/mL).
    let published: [(hour: Double, ngPerMl: Double)] = [
      (1, 486.5), (2, 946.96), (4, 1795.3), (10, 3845.9), (12, 3445.3), (24, 1780.7), (25, 2171.9),
      (48, 2256.4), (72, 2383.5), (96, 2417.4), (100, 1940), (120, 645.78),
    ]
    let doses = [0.0, 24, 48, 72].map { infusion(10.0 / 60, fromMinutes: $0 * 60, forMinutes: 600) }
    let values = try simulatedConcentrations(try Self.nmtests(), doses, at: hourTimes(published.map(\.hour)))
    for (value, reference) in zip(values, published) {
      expectSignificant(value * 1000, reference.ngPerMl, digits: 5, "R7 at \(reference.hour) h")
    }
  }

  @Test("R8: NONMEM 7, SS=1 with II = DUR (10 h), ADDL 8")
  func r8() throws {
    // R8: mrgsolve/nmtests dosing/results/1001-nm.csv ID 14 (ng/mL, 5 s.f.).
    let published: [(hour: Double, ngPerMl: Double)] = [
      (1, 9090.9), (12, 9090.9), (72, 9090.9), (96, 6535.7), (100, 5245), (120, 1745.9),
    ]
    let disposition = Disposition(try Self.nmtests())
    let unit = infusion(10.0 / 60, fromMinutes: 0, forMinutes: 600)
    let steady = try SteadyState(of: [unit], every: hours(10), disposition: disposition)
    // II = DUR: the previous infusion stops exactly when the one at zero starts.
    #expect(steady.carryOver.isEmpty)
    let doses = (0...8).map { unit.shifted(by: hours(10 * Double($0))) }
    let simulation = Simulation(
      disposition: disposition, schedule: try schedule(doses + steady.carryOver), initialState: steady.state)
    let values = simulation.centralConcentrations(at: hourTimes(published.map(\.hour)))
    for (value, reference) in zip(values, published) {
      expectSignificant(value * 1000, reference.ngPerMl, digits: 5, "R8 at \(reference.hour) h")
    }
    // The plateau is R/CL exactly (10 mg/h ÷ 1.1 L/h), not only to 5 s.f.
    expectClose(values[0], 10 / 1.1, rel: 1e-12, "R8 plateau at 1 h")
  }

  @Test("R9: NONMEM 7, SS=1 with II 6 h < DUR 12 h (overlapping), ADDL 12")
  func r9() throws {
    // R9: mrgsolve/nmtests dosing/results/1001-nm.csv ID 12 (ng/mL, 5 s.f.); 100 mg at
    // 8.3333 mg/h is 100 mg over 12 h.
    let published: [(hour: Double, ngPerMl: Double)] = [
      (1, 15152), (12, 15152), (24, 15152), (48, 15152), (72, 15152), (96, 6730.5), (100, 5401.4), (120, 1798),
    ]
    let disposition = Disposition(try Self.nmtests())
    let unit = infusion(totalMilligrams: 100, fromMinutes: 0, overMinutes: 720)
    let steady = try SteadyState(of: [unit], every: hours(6), disposition: disposition)
    // The dose given at −6 h still runs from 0 to 6 h.
    try #require(steady.carryOver.count == 1)
    #expect(steady.carryOver[0].start == .zero)
    #expect(steady.carryOver[0].end == hours(6))
    let doses = (0...12).map { unit.shifted(by: hours(6 * Double($0))) }
    let simulation = Simulation(
      disposition: disposition, schedule: try schedule(doses + steady.carryOver), initialState: steady.state)
    let values = simulation.centralConcentrations(at: hourTimes(published.map(\.hour)))
    for (value, reference) in zip(values, published) {
      expectSignificant(value * 1000, reference.ngPerMl, digits: 5, "R9 at \(reference.hour) h")
    }
    // Two infusions always overlap on the plateau: 2 × 100/12 mg/h ÷ 1.1 L/h.
    expectClose(values[0], 2 * 100 / 12 / 1.1, rel: 1e-12, "R9 plateau at 1 h")
  }

  @Test("K1: Domino-derived 2-cmt, 35 mg over 40 min")
  func k1() throws {
    // K1: regression value computed independently; analytic solution, PyTCI 1.2 exact and opentiva agree (mg/L).
    let values = try simulatedConcentrations(
      try dominoTwoCompartment(), [infusion(totalMilligrams: 35, fromMinutes: 0, overMinutes: 40)],
      at: minuteTimes([40, 60]))
    expectPrinted(values[0], 0.444850, decimals: 6, "Cp(40 min)")
    expectPrinted(values[1], 0.048590, decimals: 6, "Cp(60 min)")
  }

  @Test("K2: Domino 3-cmt at 70 kg, 35 mg over 40 min, ten times")
  func k2() throws {
    // K2: regression value computed independently; opentiva and PyTCI 1.2 exact agree to ≤ 5e-15 (mg/L, printed
    // to 6 decimals).
    let published: [(minute: Double, mgPerL: Double)] = [
      (1, 0.100523), (5, 0.155337), (10, 0.181809), (20, 0.209584), (40, 0.240331),
      (45, 0.091413), (60, 0.055108), (120, 0.035830), (240, 0.017341), (1440, 0.000012),
    ]
    let values = try simulatedConcentrations(
      try dominoThreeCompartment(), [infusion(totalMilligrams: 35, fromMinutes: 0, overMinutes: 40)],
      at: minuteTimes(published.map(\.minute)))
    for (value, reference) in zip(values, published) {
      expectPrinted(value, reference.mgPerL, decimals: 6, "K2 at \(reference.minute) min")
    }
  }
}
