import Foundation
import Testing

@testable import KetasimCore

/// Helpers of the target-controlled infusion suites: plans, and an exact
/// range finder written here, independently of the read-out's.
enum TCISupport {
  /// Plans `targets` (parsed step texts) for `parameters` over `end` minutes.
  static func plan(
    _ parameters: PKParameters, _ targets: [String], site: CurveReadout.Site = .plasma, periodSeconds: Double = 10,
    maxMilligramsPerMinute: Double? = nil, minutes end: Double
  ) throws -> TargetControlledInfusion<Disposition> {
    try TargetControlledInfusion(
      disposition: Disposition(parameters), site: site, targets: try targets.map(TargetStep.init(parsing:)),
      pump: try InfusionPump(period: .seconds(periodSeconds), maximumMilligramsPerMinute: maxMilligramsPerMinute),
      through: minutes(end))
  }

  /// State index and factor to ng/mL of `site`.
  static func readout(_ parameters: PKParameters, _ site: CurveReadout.Site) -> (index: Int, scale: Double) {
    site == .plasma ? (0, 1000 / parameters.centralVolume) : (parameters.compartmentCount, 1000)
  }

  /// The lowest and highest value (ng/mL) of state `index` × `scale` of the
  /// re-simulated `simulation` over `[from, to]` minutes, from the exact
  /// solution: on every segment of constant input, 64 equal steps, each
  /// interior local extremum refined by a golden-section search on the
  /// engine's state at that offset (a constant plus at most four
  /// exponentials has at most three extrema, which 64 steps of a pump
  /// period bracket).
  static func exactRange(
    _ simulation: Simulation, index: Int, scale: Double, from: Double, to: Double
  ) -> (min: Double, max: Double) {
    var low = Double.infinity
    var high = -Double.infinity
    for segment in simulation.segments(through: ClockTime(minutes: to)) {
      let start = segment.start.minutes
      let a = max(from, start) - start
      let b = min(to, start + segment.length.minutes) - start
      guard a <= b else { continue }
      func value(_ offset: Double) -> Double {
        simulation.state(in: segment, atOffsetMinutes: offset)[index] * scale
      }
      let offsets = (0...64).map { a + (b - a) * Double($0) / 64 }
      let values = offsets.map(value)
      for k in offsets.indices {
        low = min(low, values[k])
        high = max(high, values[k])
        guard k > 0, k + 1 < offsets.count else { continue }
        for sign in [1.0, -1.0]
        where sign * values[k] >= sign * values[k - 1] && sign * values[k] >= sign * values[k + 1] {
          let t = goldenMaximum(offsets[k - 1], offsets[k + 1]) { sign * value($0) }
          low = min(low, value(t))
          high = max(high, value(t))
        }
      }
    }
    return (low, high)
  }

  /// The maximiser of a unimodal `f` on `[low, high]` to 1e-10 min.
  static func goldenMaximum(_ low: Double, _ high: Double, _ f: (Double) -> Double) -> Double {
    var a = low
    var b = high
    let r = (sqrt(5.0) - 1) / 2
    while b - a > 1e-10 {
      let c = b - r * (b - a)
      let d = a + r * (b - a)
      if f(c) >= f(d) { b = d } else { a = c }
    }
    return (a + b) / 2
  }

  /// Concentration (ng/mL) of state `index` × `scale` at `t` minutes (any
  /// real time, not only whole microseconds), on or before `end`.
  static func value(_ simulation: Simulation, index: Int, scale: Double, at t: Double, end: Double) -> Double {
    let segments = simulation.segments(through: ClockTime(minutes: end))
    let segment = segments.last { $0.start.minutes <= t } ?? segments[0]
    return simulation.state(in: segment, atOffsetMinutes: t - segment.start.minutes)[index] * scale
  }
}
