import Foundation
import Testing

@testable import KetasimCore

// The read-out's peaks and crossings against a brute-force scan of the same
// exact curve: random models (one to three compartments, with and without an
// effect site, ke0 equal to a disposition rate) and random schedules with
// boluses inside infusions and at the very end. The scan is independent of
// the read-out's derivative chain: it only evaluates the curve.

@Suite("Peaks and crossings found analytically, checked by dense scans")
struct PeakSearchTests {
  /// The curve of `site` at `n + 1` equally spaced times over `[0, end]`
  /// (plus the dose times when `withDoses`), each after the boluses given at
  /// that time.
  static func scan(
    _ simulation: Simulation, site: CurveReadout.Site, end: Double, n: Int, withDoses: Bool = false
  ) -> [Double] {
    let index = site == .plasma ? 0 : simulation.disposition.stateCount - 1
    let scale = site == .plasma ? 1000 / simulation.disposition.parameters.centralVolume : 1000
    var times = (0...n).map { ClockTime(minutes: end * Double($0) / Double(n)) }
    if withDoses {
      times += simulation.schedule.breakpoints.map(\.time).filter { $0.minutes <= end }
      times.sort()
    }
    return simulation.states(at: times).map { $0[index] * scale }
  }

  /// The best scanned value refined by golden-section search over the two
  /// scan steps around it (values at whole microseconds, as the engine
  /// evaluates them).
  static func refinedMaximum(_ simulation: Simulation, site: CurveReadout.Site, end: Double, n: Int) -> Double {
    let values = scan(simulation, site: site, end: end, n: n, withDoses: true)
    let grid = scan(simulation, site: site, end: end, n: n)
    guard let k = grid.indices.max(by: { grid[$0] < grid[$1] }) else { return 0 }
    let h = end / Double(n)
    let low = max(0, Double(k - 1) * h)
    let high = min(end, Double(k + 1) * h)
    let index = site == .plasma ? 0 : simulation.disposition.stateCount - 1
    let scale = site == .plasma ? 1000 / simulation.disposition.parameters.centralVolume : 1000
    func value(_ t: Double) -> Double { simulation.states(at: [ClockTime(minutes: t)])[0][index] * scale }
    let ratio = (5.0.squareRoot() - 1) / 2
    var (a, b) = (low, high)
    while b - a > 1e-7 {
      let c = b - ratio * (b - a)
      let d = a + ratio * (b - a)
      if value(c) >= value(d) { b = d } else { a = c }
    }
    return max(values.max() ?? 0, value((a + b) / 2))
  }

  static func randomSchedule(end: Double, using rng: inout SplitMix64) throws -> DosingSchedule {
    var doses: [Dose] = []
    for _ in 0..<rng.integer(1...4) {
      let start = (rng.uniform(0...end) * 60).rounded() / 60
      if rng.integer(0...1) == 0 {
        doses.append(bolus(rng.logUniform(1...60), atMinutes: start))
      } else {
        doses.append(infusion(rng.logUniform(0.1...5), fromMinutes: start, forMinutes: rng.uniform(1...end)))
      }
    }
    if rng.integer(0...2) == 0 { doses.append(bolus(rng.logUniform(1...30), atMinutes: end)) }
    return try schedule(doses)
  }

  @Test("the peak equals the best of a dense scan refined by golden section", arguments: 0..<40)
  func peakAgainstScan(seed: Int) throws {
    var rng = SplitMix64(seed: UInt64(seed) &* 7919 &+ 11)
    let parameters = try randomParameters(
      compartments: rng.integer(1...3), effectSite: rng.integer(0...2) > 0, using: &rng)
    let end = rng.uniform(20...180)
    let simulation = Simulation(
      disposition: Disposition(parameters), schedule: try Self.randomSchedule(end: end, using: &rng))
    let sites: [CurveReadout.Site] = parameters.ke0 == nil ? [.plasma] : [.plasma, .effectSite]
    for site in sites {
      let readout = CurveReadout(simulation, site: site, through: ClockTime(minutes: end), thresholds: [])
      let best = Self.refinedMaximum(simulation, site: site, end: end, n: 20_000)
      #expect(
        readout.maximum >= best * (1 - 1e-13), "seed \(seed) \(site): peak \(readout.maximum) < scanned \(best)")
      #expect(readout.maximum <= best * (1 + 1e-11) + 1e-9, "seed \(seed) \(site): \(readout.maximum) vs \(best)")
    }
  }

  @Test("time above a level equals the scanned count within two scan steps per crossing", arguments: 0..<20)
  func timeAboveAgainstScan(seed: Int) throws {
    var rng = SplitMix64(seed: UInt64(seed) &* 104_729 &+ 3)
    let parameters = try randomParameters(compartments: rng.integer(2...3), effectSite: true, using: &rng)
    let end = 120.0
    let simulation = Simulation(
      disposition: Disposition(parameters), schedule: try Self.randomSchedule(end: end, using: &rng))
    for site in [CurveReadout.Site.plasma, .effectSite] {
      let n = 24_000
      let values = Self.scan(simulation, site: site, end: end, n: n)
      let level = (values.max() ?? 0) * rng.uniform(0.2...0.9)
      let threshold = NamedThreshold(name: "level", nanogramsPerMilliliter: level)
      let readout = CurveReadout(simulation, site: site, through: ClockTime(minutes: end), thresholds: [threshold])
      let step = end / Double(n)
      let scanned = Double(values.dropLast().filter { $0 > level }.count) * step
      var changes = 0
      for k in values.indices.dropFirst() where (values[k] > level) != (values[k - 1] > level) { changes += 1 }
      let above = readout.thresholds[0].minutesAbove
      #expect(
        abs(above - scanned) <= Double(changes + 1) * step,
        "seed \(seed) \(site): \(above) min above vs \(scanned) scanned (\(changes) changes)")
    }
  }

  @Test("ke0 equal to a disposition rate (a repeated eigenvalue): Ce's peak matches a scan")
  func repeatedEigenvalue() throws {
    // One compartment with k10 = ke0: Ce = D·k/V·t·e^{−kt} after a bolus, peak D/(V·e) at t = 1/k.
    let volume = 20.0
    let k = 0.25
    let parameters = try PKParameters(centralVolume: volume, clearance: k * volume, ke0: k)
    let simulation = Simulation(disposition: Disposition(parameters), schedule: try schedule(bolus(50, atMinutes: 0)))
    let readout = CurveReadout(simulation, site: .effectSite, through: minutes(30), thresholds: [])
    expectClose(readout.maximum, 50 / volume / M_E * 1000, rel: 1e-12)
    expectClose(readout.timeOfMaximum, 1 / k, rel: 1e-9)
  }

  @Test("a peak just before the end of a rising effect site is interior, not the end value")
  func peakNearTheEnd() throws {
    // One compartment, bolus D at 0, ke0 ≠ k: Ce = D·ke0/(V(ke0 − k))·(e^{−kt} − e^{−ke0·t}),
    // peak at t* = ln(ke0/k)/(ke0 − k). Run until just after t*.
    let volume = 30.0
    let k = 0.1
    let ke0 = 0.4
    let peakTime = log(ke0 / k) / (ke0 - k)
    let parameters = try PKParameters(centralVolume: volume, clearance: k * volume, ke0: ke0)
    let simulation = Simulation(disposition: Disposition(parameters), schedule: try schedule(bolus(40, atMinutes: 0)))
    let readout = CurveReadout(
      simulation, site: .effectSite, through: ClockTime(minutes: peakTime + 1e-3), thresholds: [])
    let expected = 40 * ke0 / (volume * (ke0 - k)) * (exp(-k * peakTime) - exp(-ke0 * peakTime)) * 1000
    expectClose(readout.maximum, expected, rel: 1e-13)
    expectClose(readout.timeOfMaximum, peakTime, rel: 1e-8)
  }
}
