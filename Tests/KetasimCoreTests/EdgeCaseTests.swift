import Foundation
import Testing

@testable import KetasimCore

// Dose bookkeeping at the edges: boluses at output instants, ties between
// infusions, off-grid dose times, zero doses, the rate returning to exactly
// zero, and steady state against an explicitly simulated long history.

@Suite("Edge cases of dosing and output times")
struct EdgeCaseTests {

  static let closed = TwoCompartmentClosedForm(v1: 4.41, k10: 0.4381, k12: 0.5921, k21: 0.2470)

  @Test("a bolus at an output time is included in that time's value", arguments: ModelShape.allCases)
  func bolusAtOutputTime(shape: ModelShape) throws {
    let p = try shape.parameters()
    let base = [infusion(0.5, fromMinutes: 0, forMinutes: 45), bolus(8, atMinutes: 0)]
    let withBolus = base + [bolus(6, atMinutes: 30)]
    let t = minutes(30)
    let just = ClockTime(microseconds: t.microseconds - 1)
    let without = try simulatedConcentrations(p, base, at: [just, t])
    let with = try simulatedConcentrations(p, withBolus, at: [just, t])
    // C(t) = C(t⁻) + D/V1: the left limit is the run without that bolus.
    expectClose(with[1], without[1] + 6 / p.centralVolume, rel: 1e-13, "\(shape)")
    // One microsecond earlier the bolus has not been given.
    expectClose(with[0], without[0], rel: 1e-13, "\(shape) 1 µs before the bolus")
    #expect(with[1] - with[0] > 0.99 * 6 / p.centralVolume, "\(shape): the jump is at the bolus")
    // The effect site is continuous through a bolus.
    let d = Disposition(p)
    if let effect = d.effectSiteIndex {
      let a = Simulation(disposition: d, schedule: try schedule(base)).states(at: [t])[0][effect]
      let b = Simulation(disposition: d, schedule: try schedule(withBolus)).states(at: [t])[0][effect]
      expectClose(b, a, rel: 1e-13, "\(shape) Ce at the bolus")
    }
  }

  @Test("a bolus at an output time matches the closed form on both sides")
  func bolusAtOutputTimeClosedForm() throws {
    let doses = [bolus(10, atMinutes: 0), bolus(7, atMinutes: 15)]
    let times = [14.0, 15, 16]
    let values = try simulatedConcentrations(try dominoTwoCompartment(), doses, at: minuteTimes(times))
    for (t, v) in zip(times, values) {
      expectClose(v, Self.closed.concentration(doses, at: t), rel: 1e-12, "t = \(t) min")
    }
  }

  @Test("overlapping infusions equal the sum of separate runs and the closed form", arguments: ModelShape.allCases)
  func overlappingInfusions(shape: ModelShape) throws {
    let p = try shape.parameters()
    let doses = [
      infusion(0.3, fromMinutes: 0, forMinutes: 60),
      infusion(0.7, fromMinutes: 20, forMinutes: 15),
      infusion(0.2, fromMinutes: 25.5, forMinutes: 80),
      infusion(0.7, fromMinutes: 20, forMinutes: 15),  // an exact duplicate: tied start and stop
    ]
    let times = try TimeGrid(end: minutes(180), step: .seconds(45)).times
    let together = try simulatedConcentrations(p, doses, at: times)
    var sum = [Double](repeating: 0, count: times.count)
    for dose in doses {
      for (index, value) in try simulatedConcentrations(p, [dose], at: times).enumerated() { sum[index] += value }
    }
    expectSeriesClose(together, sum, rel: 1e-12, floor: 1e-14, "\(shape)")
    if shape == .twoCompartment {
      expectSeriesClose(
        together, times.map { Self.closed.concentration(doses, at: $0.minutes) }, rel: 1e-12, floor: 1e-14,
        "closed form")
    }
  }

  @Test("a bolus during an infusion matches the superposed closed forms")
  func bolusDuringInfusion() throws {
    let doses = [infusion(totalMilligrams: 35, fromMinutes: 0, overMinutes: 40), bolus(10, atMinutes: 17.5)]
    let times = [0, 10, 17.5, 17.5 + 1.0 / 60, 30, 40, 41, 90, 300.0]
    let values = try simulatedConcentrations(try dominoTwoCompartment(), doses, at: minuteTimes(times))
    for (t, v) in zip(times, values) {
      expectClose(v, Self.closed.concentration(doses, at: t), rel: 1e-12, abs: 1e-300, "t = \(t) min")
    }
  }

  @Test("output times off the dose times (7-min grid, doses at 10.5 min) match the closed form")
  func offGridDoses() throws {
    let doses = [
      bolus(5, atMinutes: 10.5), infusion(0.4, fromMinutes: 10.5, forMinutes: 31.5), bolus(3, atMinutes: 52.25),
    ]
    let times = try TimeGrid(end: minutes(140), step: .minutes(7)).times
    let values = try simulatedConcentrations(try dominoTwoCompartment(), doses, at: times)
    #expect(values[0] == 0 && values[1] == 0)
    for (t, v) in zip(times, values) {
      expectClose(v, Self.closed.concentration(doses, at: t.minutes), rel: 1e-12, abs: 1e-300, "t = \(t)")
    }
  }

  @Test("an infusion ending exactly where another starts")
  func backToBackInfusions() throws {
    let doses = [infusion(1, fromMinutes: 0, forMinutes: 30), infusion(0.4, fromMinutes: 30, forMinutes: 30)]
    for order in [doses, Array(doses.reversed())] {
      let s = try schedule(order)
      #expect(s.breakpoints.map(\.time) == minuteTimes([0, 30, 60]))
      #expect(s.breakpoints.map(\.rateAfter) == [1, 0.4, 0])
      #expect(s.rate(after: ClockTime(microseconds: minutes(30).microseconds - 1)) == 1)
      #expect(s.rate(after: minutes(30)) == 0.4)
      #expect(s.rate(after: minutes(60)) == 0)
      let times = [0, 15, 29.99, 30, 30.01, 45, 60, 61, 120.0]
      let values = try simulatedConcentrations(try dominoTwoCompartment(), order, at: minuteTimes(times))
      // forEachState reports the rate in effect from each instant on.
      var reported: [Double] = []
      Simulation(disposition: Disposition(try dominoTwoCompartment()), schedule: s)
        .forEachState(at: minuteTimes(times)) { _, _, rate in reported.append(rate) }
      #expect(reported == [1, 1, 1, 0.4, 0.4, 0.4, 0, 0, 0])
      for (t, v) in zip(times, values) {
        expectClose(v, Self.closed.concentration(doses, at: t), rel: 1e-12, abs: 1e-300, "t = \(t) min")
      }
    }
  }

  @Test("zero-amount doses change nothing", arguments: ModelShape.allCases)
  func zeroDoses(shape: ModelShape) throws {
    let p = try shape.parameters()
    let base = [bolus(10, atMinutes: 0), infusion(0.5, fromMinutes: 3, forMinutes: 40)]
    let zeros = [bolus(0, atMinutes: 20), infusion(0, fromMinutes: 5, forMinutes: 10), bolus(0, atMinutes: 0)]
    let times = try TimeGrid(end: minutes(120), step: .seconds(30)).times
    let d = Disposition(p)
    let plain = Simulation(disposition: d, schedule: try schedule(base)).states(at: times)
    let padded = Simulation(disposition: d, schedule: try schedule(base + zeros)).states(at: times)
    for state in 0..<d.stateCount {
      expectSeriesClose(
        padded.map { $0[state] }, plain.map { $0[state] }, rel: 1e-13, floor: 1e-15, "\(shape) state \(state)")
    }
    let onlyZeros = Simulation(disposition: d, schedule: try schedule(zeros)).states(at: times)
    #expect(onlyZeros.allSatisfy { $0 == .zero }, "\(shape): zero doses into an empty body")
    #expect(try schedule(zeros).totalMilligrams == 0)
  }

  @Test("the total rate returns to exactly 0.0 after overlapping infusions end")
  func rateReturnsToZero() throws {
    // 0.1 + 0.2 ≠ 0.3 in binary: adding and subtracting rates would leave a
    // residue such as 5.5e-17 mg/min running forever.
    let doses = [
      infusion(0.1, fromMinutes: 0, forMinutes: 30), infusion(0.2, fromMinutes: 10, forMinutes: 30),
      infusion(0.3, fromMinutes: 20, forMinutes: 5), infusion(0.7, fromMinutes: 15, forMinutes: 20),
      bolus(1, atMinutes: 12),
    ]
    let s = try schedule(doses)
    #expect(s.breakpoints.last?.rateAfter == 0.0)
    #expect(s.breakpoints.last?.time == minutes(40))
    #expect(s.rate(after: minutes(40)) == 0.0)
    #expect(s.rate(after: minutes(1000)) == 0.0)
    #expect(s.rate(after: .zero) == 0.1)
    // Every rate is the plain sum of the infusions running then.
    for breakpoint in s.breakpoints {
      let t = breakpoint.time
      let running = doses.compactMap { dose -> Double? in
        if case .infusion(let rate, let start, let duration) = dose, start <= t, t < start + duration { return rate }
        return nil
      }
      expectClose(breakpoint.rateAfter, running.reduce(0, +), rel: 1e-15, abs: 0, "rate after \(t)")
    }
    // Overlapping infusions that all end: the body then decays freely, so
    // after the end Cp follows the closed form of the whole history.
    let times = [40.0, 60, 240]
    let values = try simulatedConcentrations(try dominoTwoCompartment(), doses, at: minuteTimes(times))
    for (t, v) in zip(times, values) {
      expectClose(v, Self.closed.concentration(doses, at: t), rel: 1e-12, "t = \(t) min")
    }
    #expect(s.milligramsGiven(through: minutes(40)) == s.totalMilligrams)
    expectClose(s.totalMilligrams, 0.1 * 30 + 0.2 * 30 + 0.3 * 5 + 0.7 * 20 + 1, rel: 1e-15)
  }

  @Test("output before the first dose reports the initial state unchanged by dosing")
  func outputBeforeFirstDose() throws {
    let p = try dominoTwoCompartment()
    let simulation = Simulation(disposition: Disposition(p), schedule: try schedule(bolus(10, atMinutes: 30)))
    let values = simulation.centralConcentrations(at: minuteTimes([0, 10, 29.999]))
    #expect(values == [0, 0, 0])
  }

  // MARK: Steady state against an explicit history

  /// Units (doses of one interval) and intervals in minutes.
  static let steadyStateCases: [(name: String, unit: [Dose], interval: Double)] = [
    ("2-h infusion every 12 h", [infusion(totalMilligrams: 100, fromMinutes: 0, overMinutes: 120)], 720),
    ("II = DUR", [infusion(totalMilligrams: 100, fromMinutes: 0, overMinutes: 90)], 90),
    ("II < DUR (two overlap)", [infusion(totalMilligrams: 100, fromMinutes: 0, overMinutes: 120)], 60),
    ("II < DUR (three overlap, late start)", [infusion(0.8, fromMinutes: 15, forMinutes: 100)], 40),
    ("bolus every 8 h", [bolus(50, atMinutes: 0)], 480),
    ("bolus + infusion, II < DUR", [bolus(20, atMinutes: 0), infusion(0.5, fromMinutes: 0, forMinutes: 150)], 60),
    ("bolus after the infusion", [infusion(0.5, fromMinutes: 0, forMinutes: 30), bolus(10, atMinutes: 90)], 60),
    (
      "bolus at one interval inside a longer infusion",
      [infusion(0.5, fromMinutes: 0, forMinutes: 120), bolus(10, atMinutes: 60)], 60
    ),
    ("two boluses one interval apart", [bolus(10, atMinutes: 0), bolus(10, atMinutes: 60)], 60),
  ]

  /// `count + 1` units at 0, τ, …, count·τ: the last one plays "the dose at
  /// zero", the earlier ones the steady-state history.
  static func explicitHistory(_ c: (name: String, unit: [Dose], interval: Double), _ d: Disposition) throws
    -> (simulation: Simulation, zero: ClockTime, count: Int64)
  {
    let interval = minutes(c.interval)
    // Enough earlier units for the neglected tail to be below 1e-13.
    let slowest = -d.eigenvalues.last!
    let count = Int64((32 / (slowest * c.interval)).rounded(.up)) + 2
    let history = (0...count).flatMap { k in c.unit.map { $0.shifted(by: interval * k) } }
    return (Simulation(disposition: d, schedule: try schedule(history)), interval * count, count)
  }

  @Test("SteadyState equals a long explicit history of the same unit", arguments: 0..<9)
  func steadyStateMatchesHistory(index: Int) throws {
    let c = Self.steadyStateCases[index]
    let p = try dominoThreeCompartment(ke0: 0.238)
    let d = Disposition(p)
    let interval = minutes(c.interval)
    let (explicit, _, count) = try Self.explicitHistory(c, d)

    let steady = try SteadyState(of: c.unit, every: interval, disposition: d)
    let ss = Simulation(disposition: d, schedule: try schedule(c.unit + steady.carryOver), initialState: steady.state)

    let offsets = [0, 1, 7.5, 30, 59.999, 60, 90, 150, 240.0].map(minutes)
    let got = ss.states(at: offsets)
    let expected = explicit.states(at: offsets.map { $0 + interval * count })
    // Offsets: 0, 1, 7.5, 30, 59.999, 60, 90, 150, 240 min after the dose at zero.
    for state in 0..<d.stateCount {
      expectSeriesClose(
        got.map { $0[state] }, expected.map { $0[state] }, rel: 1e-10, floor: 0,
        "\(c.name): state \(state) (0-2 amounts mg, 3 Ce mg/L), elements = offsets 0, 1, 7.5, 30, 59.999, 60, 90, 150, 240 min, vs \(count + 1) explicit units"
      )
    }
  }

  @Test("SteadyState.state is the state just before the doses at time zero", arguments: 0..<9)
  func steadyStateIsLeftLimit(index: Int) throws {
    // SteadyState's documentation: "State at time zero, before the dose
    // given at zero". In the explicit history that is the state at zero
    // minus every bolus landing exactly at zero.
    let c = Self.steadyStateCases[index]
    let d = Disposition(try dominoThreeCompartment(ke0: 0.238))
    let (explicit, zero, _) = try Self.explicitHistory(c, d)
    var expected = explicit.states(at: [zero])[0]
    for breakpoint in explicit.schedule.breakpoints where breakpoint.time == zero {
      expected[0] -= breakpoint.bolusMilligrams
    }
    let steady = try SteadyState(of: c.unit, every: minutes(c.interval), disposition: d)
    expectSeriesClose(
      (0..<d.stateCount).map { steady.state[$0] }, (0..<d.stateCount).map { expected[$0] }, rel: 1e-10, floor: 1e-13,
      "\(c.name): states (amounts mg, Ce mg/L) at 0⁻")
  }

  @Test("SteadyState rejects a non-positive interval")
  func steadyStateRejectsZeroInterval() throws {
    let d = Disposition(try dominoTwoCompartment())
    #expect(throws: KetasimError.self) { try SteadyState(of: [bolus(1, atMinutes: 0)], every: .zero, disposition: d) }
  }
}
