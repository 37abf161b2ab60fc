import Foundation
import Testing

@testable import KetasimCore

// The read-out's threshold crossings by safeguarded Newton steps (SafeguardedNewton, ExactCurve.crossing),
// the slopes they use (LinearRowCurve.valueAndSlope) and the end state taken from the last segment
// (ExactSimulation.state(at:after:)), each against an independent reference: closed forms, plain bisection on
// the whole propagation from time zero, finite differences, and the propagation itself.

@Suite struct SafeguardedNewtonTests {
  // MARK: - The root finder

  /// `c₀e^{−kt}` crosses `L` at `ln(c₀/L)/k`, on a log scale and on the plain one, over stretches of minutes
  /// to weeks.
  @Test(arguments: propertySeeds)
  func monoExponentialCrossingsMatchTheClosedForm(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    for _ in 0..<200 {
      let c0 = rng.logUniform(1...5000)
      let k = rng.logUniform(1e-4...1)
      let level = c0 * rng.uniform(0.001...0.999)
      let root = log(c0 / level) / k
      let end = root * rng.logUniform(1.01...1000)
      let value = { (t: Double) in c0 * exp(-k * t) }
      let onLog = SafeguardedNewton.find(
        0, end, fLow: log(c0 / level), fHigh: log(c0 / level) - k * end, tolerance: 1e-9
      ) { (log(c0 / level) - k * $0, -k) }
      let plain = SafeguardedNewton.find(0, end, fLow: c0 - level, fHigh: value(end) - level, tolerance: 1e-9) {
        (value($0) - level, -k * value($0))
      }
      #expect(abs(onLog - root) <= 1e-9 + 4 * root.ulp, "c0 \(c0) k \(k) L \(level) end \(end)")
      #expect(abs(plain - root) <= 1e-9 + 4 * root.ulp, "c0 \(c0) k \(k) L \(level) end \(end)")
    }
  }

  /// A bi-exponential decay over three days, the stretch between two sessions: each crossing within the
  /// tolerance of bisection run to the last bit, in at most 8 evaluations, fewer in all than Brent's method
  /// (which does not use the slope) on the same stretches.
  @Test func decaysOverDaysTakeFewEvaluations() {
    let (a, alpha, b, beta) = (150.0, 0.08, 60.0, 0.004)
    func c(_ t: Double) -> Double { a * exp(-alpha * t) + b * exp(-beta * t) }
    func slope(_ t: Double) -> Double { -alpha * a * exp(-alpha * t) - beta * b * exp(-beta * t) }
    let end = 3 * 1440.0
    var (newtonCalls, brentCalls) = (0, 0)
    for level in [1.0, 5, 20, 50, 100, 160, 200] {
      var lo = 0.0
      var hi = end
      while hi - lo > 2 * hi.ulp {
        let mid = (lo + hi) / 2
        if c(mid) > level { lo = mid } else { hi = mid }
      }
      var calls = 0
      let newton = SafeguardedNewton.find(
        0, end, fLow: log(c(0) / level), fHigh: log(c(end) / level), tolerance: 1e-9
      ) {
        calls += 1
        return (log(c($0) / level), slope($0) / c($0))
      }
      #expect(abs(newton - lo) <= 1e-9, "level \(level)")
      #expect(calls <= 8, "level \(level): \(calls) evaluations")
      newtonCalls += calls
      _ = BracketedRoot.find(0, end, fLow: c(0) - level, fHigh: c(end) - level, tolerance: 1e-9) {
        brentCalls += 1
        return c($0) - level
      }
    }
    #expect(newtonCalls < brentCalls, "Newton \(newtonCalls), Brent \(brentCalls)")
  }

  // MARK: - Crossings of the exact curve

  /// A rise from nearly nothing crosses where the closed form does.
  ///
  /// One compartment (V 20 L, CL 1 L/min, k 0.05/min): 100 mg at 0, then 2 mg/min over 60 min after a gap of
  /// 40 h, where the concentration has fallen to about 4e-49 ng/mL. Each crossing of 1000 ng/mL against its
  /// closed form: down at ln 5/k, up at 2400 + ln 2/k, down at 2460 + ln(c(2460)/1000)/k. A rise from a value
  /// that small must not be searched on a log scale, where its slope c′/c is about 1e49.
  @Test func aRiseFromNearlyNothingCrossesWhereTheClosedFormDoes() throws {
    let parameters = try pkPerMinute(cl: 1, v1: 20)
    let simulation = Simulation(
      disposition: Disposition(parameters),
      schedule: try schedule(bolus(100, atMinutes: 0), infusion(2, fromMinutes: 2400, forMinutes: 60)))
    let curve = ExactCurve(simulation, site: .plasma, through: minutes(3000))
    let k = 0.05
    let start = 5000 * exp(-k * 2400)
    #expect(start > 0 && start < 1e-48)
    let steady = 2000.0
    let atEnd = steady + (start - steady) * exp(-k * 60)
    let expected = [
      (0.0, log(5) / k),
      (2400 + log((steady - start) / (steady - 1000)) / k, 2460 + log(atEnd / 1000) / k),
    ]
    let intervals = curve.intervalsAbove(1000)
    #expect(intervals.count == 2)
    for (found, reference) in zip(intervals, expected) {
      #expect(abs(found.from - reference.0) <= 1e-9, "\(found) \(reference)")
      #expect(abs(found.to - reference.1) <= 1e-9, "\(found) \(reference)")
    }
  }

  /// Random 1-3 compartment models, with an effect site or not, on schedules with gaps of hours to weeks:
  /// every crossing of plasma and effect site lies between the two adjacent microseconds that bisection on
  /// the whole propagation from time zero (`states(at:)`, whose clock counts microseconds) ends with.
  @Test(arguments: propertySeeds)
  func crossingsEqualBisectionOnThePropagation(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    var checked = 0
    for _ in 0..<12 {
      let compartments = rng.integer(1...3)
      let parameters = try randomParameters(compartments: compartments, effectSite: true, using: &rng)
      var doses: [Dose] = []
      var time = 0.0
      for _ in 0..<rng.integer(1...4) {
        let duration = rng.uniform(10...90)
        doses.append(infusion(rng.uniform(0.5...5), fromMinutes: time, forMinutes: duration))
        if rng.integer(0...1) == 1 { doses.append(bolus(rng.uniform(1...30), atMinutes: time + duration)) }
        time += duration + rng.logUniform(60...20_000)
      }
      let simulation = Simulation(disposition: Disposition(parameters), schedule: try schedule(doses))
      let end = minutes((time / 60).rounded(.up) * 60)
      for site in [CurveReadout.Site.plasma, .effectSite] {
        let curve = ExactCurve(simulation, site: site, through: end)
        let observation = try #require(simulation.disposition.observation(site))
        func value(_ t: Double) -> Double {
          // Whole microseconds are the propagation's clock; bisection stops at adjacent microseconds.
          observation.nanogramsPerMilliliter(simulation.states(at: [ClockTime(minutes: t)])[0])
        }
        let peak = curve.maximum().value
        for level in [0.05, 0.3, 0.7].map({ $0 * peak }) {
          for crossing in curve.crossings(of: level).crossings {
            // A jump at a bolus crosses at the bolus; only a crossing inside a stretch is root-found.
            guard doses.allSatisfy({ abs($0.start.minutes - crossing.time) > 1e-6 }) else { continue }
            var (lo, hi) = (crossing.time - 1e-3, crossing.time + 1e-3)
            let rising = crossing.toAbove
            #expect((value(lo) > level) != rising && (value(hi) > level) == rising)
            while hi - lo > 1e-12 {
              let mid = ClockTime(minutes: (lo + hi) / 2).minutes
              if mid <= lo || mid >= hi { break }
              if (value(mid) > level) == rising { hi = mid } else { lo = mid }
            }
            #expect(crossing.time >= lo - 1e-9 && crossing.time <= hi + 1e-9, "\(parameters) \(site) \(level)")
            checked += 1
          }
        }
      }
    }
    #expect(checked > 50)
  }

  // MARK: - Slopes

  /// The modal slope against the whole transition's `row·(A·x(t) + b·u)` (a different formula) and a central
  /// difference; the modal value unchanged bit for bit.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func theSlopeIsTheDerivative(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    for _ in 0..<60 {
      let parameters = try randomParameters(
        compartments: rng.integer(1...3), effectSite: rng.integer(0...1) == 1, using: &rng)
      let disposition = Disposition(parameters)
      var state = SIMD4<Double>.zero
      for i in 0..<disposition.stateCount { state[i] = rng.uniform(0...50) }
      var row = SIMD4<Double>.zero
      for i in 0..<disposition.stateCount { row[i] = rng.uniform(-2...2) }
      for rate in [0, rng.uniform(0.1...20)] {
        let modal = disposition.rowCurve(row, from: state, rate: rate)
        let whole = TransitionRowCurve(system: disposition, row: row, state: state, rate: rate)
        for t in [0, rng.uniform(0.5...60), rng.uniform(60...3000)] {
          let (value, slope) = modal.valueAndSlope(atMinutes: t)
          let reference = whole.valueAndSlope(atMinutes: t)
          let x = disposition.transition(overMinutes: t).apply(to: state, rate: rate)
          let size = (0..<4).reduce(0.0) { $0 + abs(row[$1]) * x[$1] } + abs(row[0]) * rate
          #expect(value == modal.value(atMinutes: t))
          #expect(abs(slope - reference.slope) <= 1e-12 * size + 1e-300, "\(parameters) t \(t) u \(rate)")
          guard t > 0 else { continue }
          let h = 1e-4
          let difference = (modal.value(atMinutes: t + h) - modal.value(atMinutes: t - h)) / (2 * h)
          #expect(abs(slope - difference) <= 1e-5 * size + 1e-12, "\(parameters) t \(t) u \(rate)")
        }
      }
    }
  }

  /// The general engine's slope (a metabolite model's structure, through the whole transition) against a
  /// central difference.
  @Test func theGeneralEnginesSlopeIsTheDerivative() throws {
    let structure = CompartmentStructure(mammillary: try dominoThreeCompartment(ke0: 0.3))
    let disposition = try GeneralDisposition(checking: structure, name: "test")
    var state = SIMD16<Double>.zero
    state[0] = 20
    state[1] = 5
    var row = SIMD16<Double>.zero
    row[0] = 1
    row[2] = -0.5
    let curve = disposition.rowCurve(row, from: state, rate: 3)
    for t in [0.5, 7.0, 90.0] {
      let (value, slope) = curve.valueAndSlope(atMinutes: t)
      #expect(value == curve.value(atMinutes: t))
      let h = 1e-4
      let difference = (curve.value(atMinutes: t + h) - curve.value(atMinutes: t - h)) / (2 * h)
      #expect(abs(slope - difference) <= 1e-6 * max(1, abs(slope)), "t \(t)")
    }
  }

  // MARK: - The end state

  /// The state at the end from the last segment equals the propagation from time zero bit for bit, with and
  /// without a bolus given at the end, for both engines.
  @Test(arguments: propertySeeds)
  func theEndStateFromTheLastSegmentIsThePropagations(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    for _ in 0..<40 {
      let parameters = try randomParameters(
        compartments: rng.integer(1...3), effectSite: rng.integer(0...1) == 1, using: &rng)
      let end = Double(rng.integer(30...3000))
      var doses = [infusion(rng.uniform(0.5...5), fromMinutes: 0, forMinutes: rng.uniform(5...60))]
      doses.append(bolus(rng.uniform(1...30), atMinutes: rng.uniform(1...end)))
      if rng.integer(0...1) == 1 { doses.append(bolus(rng.uniform(1...30), atMinutes: end)) }
      let plan = try schedule(doses)
      let mammillary = Simulation(disposition: Disposition(parameters), schedule: plan)
      let segments = mammillary.segments(through: minutes(end))
      #expect(mammillary.state(at: minutes(end), after: segments) == mammillary.states(at: [minutes(end)])[0])
      let general = ExactSimulation(
        disposition: try GeneralDisposition(checking: CompartmentStructure(mammillary: parameters), name: "test"),
        schedule: plan)
      let generalSegments = general.segments(through: minutes(end))
      #expect(general.state(at: minutes(end), after: generalSegments) == general.states(at: [minutes(end)])[0])
    }
    let atZero = Simulation(
      disposition: Disposition(try dominoTwoCompartment()), schedule: try schedule(bolus(5, atMinutes: 0)))
    #expect(atZero.state(at: .zero, after: []) == atZero.states(at: [.zero])[0])
  }
}
