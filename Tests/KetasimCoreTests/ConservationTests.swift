import Foundation
import Testing

@testable import KetasimCore

// Laws every exact linear PK solution obeys: mass balance, superposition,
// time invariance, dose proportionality, positivity, monotone decline after
// dosing, and (a stated design property of Simulation) bit-identical values
// on grids that share instants.

/// Gauss–Legendre nodes and weights on [−1, 1], by Newton's method on the
/// Legendre recurrence (independent of the engine).
func gaussLegendre(_ n: Int) -> (nodes: [Double], weights: [Double]) {
  var nodes: [Double] = []
  var weights: [Double] = []
  for i in 1...n {
    var x = cos(Double.pi * (Double(i) - 0.25) / (Double(n) + 0.5))
    var derivative = 0.0
    for _ in 0..<100 {
      var p0 = 1.0
      var p1 = x
      for k in 2...n {
        let p2 = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
        p0 = p1
        p1 = p2
      }
      derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
      let step = p1 / derivative
      x -= step
      if abs(step) < 1e-16 { break }
    }
    nodes.append(x)
    weights.append(2 / ((1 - x * x) * derivative * derivative))
  }
  return (nodes, weights)
}

/// Amount eliminated from time zero to `end`: CL·∫C1 dt by composite
/// 10-point Gauss–Legendre quadrature, panels split at every breakpoint of
/// the schedule (where C1 has a kink or a jump) and no longer than
/// `panelMinutes`.
///
/// The engine's exact Cp is sampled at the nodes as Φ(s)·x(a) + Γ(s)·u from
/// the engine's state at each panel start `a` (an exact ClockTime): asking
/// `Simulation` for the nodes themselves would round them to whole
/// microseconds and spoil the 1e-9 budget.
func eliminatedByQuadrature(_ simulation: Simulation, through end: ClockTime, panelMinutes: Double) -> Double {
  let schedule = simulation.schedule
  let cuts = Set(schedule.breakpoints.map(\.time).filter { $0 > .zero && $0 < end } + [end]).sorted()
  var edges: [ClockTime] = [.zero]
  for cut in cuts {
    let start = edges.last!
    let length = (cut - start).microseconds
    let pieces = max(1, Int64((Double(length) / (panelMinutes * 60_000_000)).rounded(.up)))
    for k in 1...pieces { edges.append(ClockTime(microseconds: start.microseconds + length * k / pieces)) }
  }
  let states = simulation.states(at: edges)
  let (nodes, weights) = gaussLegendre(10)
  let v1 = simulation.disposition.parameters.centralVolume
  var integral = 0.0
  for panel in 0..<(edges.count - 1) {
    let a = edges[panel]
    let half = (edges[panel + 1] - a).minutes / 2
    let rate = schedule.rate(after: a)
    var sum = 0.0
    for (x, w) in zip(nodes, weights) {
      let state = simulation.disposition.transition(overMinutes: half * (1 + x)).apply(to: states[panel], rate: rate)
      sum += w * state[0] / v1
    }
    integral += sum * half
  }
  return simulation.disposition.parameters.clearance * integral
}

/// A schedule with boluses and overlapping infusions over about 3 h.
func mixedDoses(using rng: inout SplitMix64) -> [Dose] {
  var doses: [Dose] = []
  for _ in 0..<rng.integer(1...3) {
    doses.append(bolus(rng.uniform(1...50), atMinutes: Double(rng.integer(0...10_800)) / 60))
  }
  for _ in 0..<rng.integer(1...3) {
    let start = Double(rng.integer(0...7_200)) / 60
    let duration = Double(rng.integer(30...7_200)) / 60
    doses.append(infusion(rng.uniform(0.05...2), fromMinutes: start, forMinutes: duration))
  }
  return doses
}

@Suite("Conservation laws and invariances")
struct ConservationTests {

  @Test("Gauss–Legendre rule integrates polynomials up to degree 19 exactly")
  func quadratureSelfCheck() {
    let (nodes, weights) = gaussLegendre(10)
    expectClose(weights.reduce(0, +), 2, rel: 1e-15)
    for degree in [2, 8, 18] {
      let value = zip(nodes, weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(degree)) }
      expectClose(value, 2 / Double(degree + 1), rel: 1e-14, "∫x^\(degree)")
    }
    // And exponentials, on the panel widths used below (e^x on [−1, 1]).
    let value = zip(nodes, weights).reduce(0.0) { $0 + $1.1 * exp($1.0) }
    expectClose(value, exp(1) - exp(-1), rel: 1e-15)
  }

  /// Boluses on top of overlapping infusions (mg, mg/min, minutes).
  static let fixedDoses: [Dose] = [
    bolus(20, atMinutes: 0),
    infusion(0.5, fromMinutes: 5, forMinutes: 60),
    infusion(0.8, fromMinutes: 30.5, forMinutes: 45.25),
    bolus(10, atMinutes: 50),
    infusion(0.2, fromMinutes: 50, forMinutes: 120),
    bolus(5, atMinutes: 200.125),
  ]

  @Test("mass balance: given = in body + CL·∫C1 (fixed models)", arguments: ModelShape.allCases)
  func massBalanceFixed(shape: ModelShape) throws {
    let p = try shape.parameters()
    let simulation = Simulation(disposition: Disposition(p), schedule: try schedule(Self.fixedDoses))
    let fastest = -simulation.disposition.eigenvalues[0]
    for endMinutes in [40.0, 50, 200.125, 360] {
      let end = minutes(endMinutes)
      let eliminated = eliminatedByQuadrature(simulation, through: end, panelMinutes: min(5, 1 / fastest))
      let inBody = simulation.amountInBody(simulation.states(at: [end])[0])
      let given = simulation.schedule.milligramsGiven(through: end)
      expectClose(
        inBody + eliminated, given, rel: 1e-9,
        "\(shape) through \(endMinutes) min: in body \(inBody), eliminated \(eliminated)")
    }
  }

  @Test("mass balance for random parameters and schedules", arguments: propertySeeds)
  func massBalanceRandom(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    for trial in 0..<4 {
      let compartments = rng.integer(1...3)
      let p = try randomParameters(compartments: compartments, effectSite: rng.integer(0...1) == 1, using: &rng)
      let doses = mixedDoses(using: &rng)
      let simulation = Simulation(disposition: Disposition(p), schedule: try schedule(doses))
      let fastest = -simulation.disposition.eigenvalues[0]
      let end = minutes(240)
      let eliminated = eliminatedByQuadrature(simulation, through: end, panelMinutes: min(5, 1 / fastest))
      let inBody = simulation.amountInBody(simulation.states(at: [end])[0])
      let given = simulation.schedule.milligramsGiven(through: end)
      expectClose(inBody + eliminated, given, rel: 1e-9, "seed \(seed), trial \(trial), \(p), doses \(doses)")
    }
  }

  @Test("mass balance starting from a non-zero initial state")
  func massBalanceWithInitialState() throws {
    let p = try dominoThreeCompartment(ke0: 0.238)
    let initial = SIMD4<Double>(3, 7, 40, 0.2)
    let simulation = Simulation(
      disposition: Disposition(p), schedule: try schedule(Self.fixedDoses), initialState: initial)
    let end = minutes(300)
    let eliminated = eliminatedByQuadrature(simulation, through: end, panelMinutes: 0.5)
    let inBody = simulation.amountInBody(simulation.states(at: [end])[0])
    expectClose(inBody + eliminated, simulation.schedule.milligramsGiven(through: end) + 50, rel: 1e-9)
  }

  @Test("superposition: response to A + B equals response to A plus response to B", arguments: propertySeeds)
  func superposition(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    let p = try randomParameters(compartments: rng.integer(1...3), effectSite: true, using: &rng)
    let a = mixedDoses(using: &rng)
    let b = mixedDoses(using: &rng)
    let times = try TimeGrid(end: minutes(300), step: .seconds(30)).times
    let d = Disposition(p)
    let both = Simulation(disposition: d, schedule: try schedule(a + b)).states(at: times)
    let onlyA = Simulation(disposition: d, schedule: try schedule(a)).states(at: times)
    let onlyB = Simulation(disposition: d, schedule: try schedule(b)).states(at: times)
    for state in 0..<d.stateCount {
      expectSeriesClose(
        both.map { $0[state] }, zip(onlyA, onlyB).map { $0[state] + $1[state] }, rel: 1e-12, floor: 1e-14,
        "state \(state), seed \(seed), \(p)")
    }
  }

  @Test("time invariance: shifting every dose by T shifts the curve by T", arguments: propertySeeds)
  func timeInvariance(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    let p = try randomParameters(compartments: rng.integer(1...3), effectSite: rng.integer(0...1) == 1, using: &rng)
    let doses = mixedDoses(using: &rng)
    let shift = ClockTime(microseconds: Int64(rng.integer(1...100_000_000_0)))  // up to ~16.7 min, odd µs
    let shifted = doses.map { $0.shifted(by: shift) }
    let times = try TimeGrid(end: minutes(300), step: .seconds(20)).times
    let d = Disposition(p)
    let original = Simulation(disposition: d, schedule: try schedule(doses)).centralConcentrations(at: times)
    let moved = Simulation(disposition: d, schedule: try schedule(shifted)).centralConcentrations(
      at: times.map { $0 + shift })
    expectSeriesClose(moved, original, rel: 1e-13, floor: 1e-15, "shift \(shift), seed \(seed), \(p)")
    // Before the first (shifted) dose nothing is in the body.
    let first = shifted.map(\.start).min()!
    let early = times.filter { $0 < first }
    let before = Simulation(disposition: d, schedule: try schedule(shifted)).centralConcentrations(at: early)
    #expect(before.allSatisfy { $0 == 0 }, "seed \(seed)")
  }

  @Test("dose proportionality: scaling every amount and rate scales the curve", arguments: propertySeeds)
  func doseProportionality(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    let p = try randomParameters(compartments: rng.integer(1...3), effectSite: true, using: &rng)
    let doses = mixedDoses(using: &rng)
    let factor = rng.uniform(0.1...10)
    let scaled = doses.map { dose -> Dose in
      switch dose {
      case .bolus(let amount, let time): return .bolus(milligrams: amount * factor, at: time)
      case .infusion(let rate, let start, let duration):
        return .infusion(milligramsPerMinute: rate * factor, start: start, duration: duration)
      }
    }
    let times = try TimeGrid(end: minutes(300), step: .seconds(30)).times
    let d = Disposition(p)
    let base = Simulation(disposition: d, schedule: try schedule(doses)).states(at: times)
    let big = Simulation(disposition: d, schedule: try schedule(scaled)).states(at: times)
    for state in 0..<d.stateCount {
      expectSeriesClose(
        big.map { $0[state] }, base.map { $0[state] * factor }, rel: 1e-13, floor: 1e-15,
        "state \(state), factor \(factor), seed \(seed)")
    }
  }

  @Test("no amount or concentration is ever negative", arguments: propertySeeds)
  func nonNegativity(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    let times = try TimeGrid(end: minutes(720), step: .seconds(10)).times
    for trial in 0..<4 {
      let p = try randomParameters(compartments: rng.integer(1...3), effectSite: true, using: &rng)
      let simulation = Simulation(disposition: Disposition(p), schedule: try schedule(mixedDoses(using: &rng)))
      let states = simulation.states(at: times)
      for state in 0..<simulation.disposition.stateCount {
        let worst = states.map { $0[state] }.min()!
        #expect(worst >= 0, "state \(state) reaches \(worst); seed \(seed), trial \(trial), \(p)")
      }
    }
  }

  @Test("Cp never rises once all dosing has ended (mammillary, no effect site)", arguments: propertySeeds)
  func monotoneDeclineAfterDosing(seed: UInt64) throws {
    // C1 after the input stops is ∫ u(s)·g'(t−s) ds with g(t) = Σ e^(λᵢt)/sᵢ,
    // a positive mix of decaying exponentials: it can only fall.
    var rng = SplitMix64(seed: seed)
    for trial in 0..<4 {
      let p = try randomParameters(compartments: rng.integer(1...3), effectSite: false, using: &rng)
      let doses = mixedDoses(using: &rng)
      let simulation = Simulation(disposition: Disposition(p), schedule: try schedule(doses))
      let end = simulation.schedule.end
      // 1-s grid for the first hour after the end, then 1-min for a day.
      let fine = (0...3600).map { end + .seconds(Double($0)) }
      let coarse = (61...1440).map { end + .minutes(Double($0)) }
      let values = simulation.centralConcentrations(at: fine + coarse)
      var rises = 0
      var firstRise = -1
      for i in 1..<values.count where values[i] > values[i - 1] {
        rises += 1
        if firstRise < 0 { firstRise = i }
      }
      #expect(
        rises == 0,
        "\(rises) rises, first at index \(firstRise) after the end \(end); seed \(seed), trial \(trial), \(p), doses \(doses)"
      )
      #expect(values.last! < values.first!, "seed \(seed), trial \(trial)")
    }
  }

  @Test("values at shared instants of 1-s, 10-s and 1-min grids are bit-identical", arguments: ModelShape.allCases)
  func gridIndependence(shape: ModelShape) throws {
    let p = try shape.parameters()
    let doses = [
      bolus(12, atMinutes: 0), infusion(0.6, fromMinutes: 10.5, forMinutes: 33.3),
      bolus(4, atMinutes: 37.25), infusion(0.25, fromMinutes: 20 + 7.0 / 60, forMinutes: 61),
      bolus(3, atMinutes: 60),
    ]
    let simulation = Simulation(disposition: Disposition(p), schedule: try schedule(doses))
    let end = minutes(120)
    func values(step: ClockTime) throws -> [ClockTime: SIMD4<Double>] {
      let times = try TimeGrid(end: end, step: step).times
      return Dictionary(uniqueKeysWithValues: zip(times, simulation.states(at: times)))
    }
    let seconds = try values(step: .seconds(1))
    let tens = try values(step: .seconds(10))
    let mins = try values(step: .minutes(1))
    #expect(seconds.count == 7201 && tens.count == 721 && mins.count == 121)
    var mismatches: [ClockTime] = []
    for (time, state) in tens where seconds[time] != state { mismatches.append(time) }
    for (time, state) in mins where seconds[time] != state || tens[time] != state { mismatches.append(time) }
    #expect(
      mismatches.isEmpty, "\(shape): \(mismatches.count) shared instants differ, e.g. \(mismatches.sorted().prefix(3))")
    // And a lone query equals the same instant inside a grid.
    for t in [minutes(37.25), minutes(60), minutes(44), minutes(119)] {
      #expect(simulation.states(at: [t])[0] == seconds[t], "\(shape) at \(t)")
    }
  }
}
