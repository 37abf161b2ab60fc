/// The per-period rate rule of ``TargetControlledInfusion``, with the
/// transitions it reuses (every full period has the same length, so its
/// transition and look-ahead are computed once).
struct TargetRatePlanner<System: LinearSystem> {
  let disposition: System
  let site: CurveReadout.Site
  let pump: InfusionPump
  /// The plasma state and the amount (mg) in it per mg/L: V1 for the mammillary models (as before, so their
  /// plans stay bit for bit), `1000/scale` for a general structure.
  private let plasmaIndex: Int
  private let plasmaVolume: Double
  private var transitions: [Int64: System.Step] = [:]
  private var lookaheads: [Int64: EffectSiteLookahead] = [:]

  init(disposition: System, site: CurveReadout.Site, pump: InfusionPump) {
    self.disposition = disposition
    self.site = site
    self.pump = pump
    guard let plasma = disposition.observation(.plasma) else { preconditionFailure("a model reports plasma") }
    plasmaIndex = plasma.stateIndex
    plasmaVolume = (disposition as? Disposition)?.parameters.centralVolume ?? 1000 / plasma.scale
  }

  /// The exact transition over `length`, cached.
  mutating func transition(over length: ClockTime) -> System.Step {
    if let cached = transitions[length.microseconds] { return cached }
    let made = disposition.transition(overMinutes: length.minutes)
    transitions[length.microseconds] = made
    return made
  }

  /// The unclamped rate (mg/min) for a period of `length` starting at
  /// `state`, and the offset (min) into the period at which the target
  /// `target` (mg/L) is predicted: the end of the period for plasma, the
  /// predicted peak for the effect site.
  mutating func rate(from state: System.State, over length: ClockTime, toReach target: Double) -> (
    rate: Double, offset: Double
  ) {
    if site == .plasma {
      let step = transition(over: length)
      let stopped = step.apply(to: state, rate: 0)[plasmaIndex]
      let perUnitRate = step.input[plasmaIndex]
      precondition(perUnitRate > 0, "a positive period gives a positive plasma response")
      return ((target * plasmaVolume - stopped) / perUnitRate, length.minutes)
    }
    precondition(site == .effectSite, "TCI targets plasma or the effect site")
    guard let disposition = disposition as? Disposition, let state = state as? SIMD4<Double> else {
      preconditionFailure("effect-site TCI plans the mammillary models (checked when the plan is made)")
    }
    let lookahead: EffectSiteLookahead
    if let cached = lookaheads[length.microseconds] {
      lookahead = cached
    } else {
      lookahead = EffectSiteLookahead(disposition: disposition, period: length)
      lookaheads[length.microseconds] = lookahead
    }
    let best = lookahead.largestRate(from: state, target: target)
    return (best.rate, best.offset)
  }
}
