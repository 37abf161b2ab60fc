/// The per-period rate rule of ``TargetControlledInfusion``, with the
/// transitions it reuses (every full period has the same length, so its
/// transition and look-ahead are computed once).
struct TargetRatePlanner {
  let disposition: Disposition
  let site: CurveReadout.Site
  let pump: InfusionPump
  private var transitions: [Int64: Transition] = [:]
  private var lookaheads: [Int64: EffectSiteLookahead] = [:]

  init(disposition: Disposition, site: CurveReadout.Site, pump: InfusionPump) {
    self.disposition = disposition
    self.site = site
    self.pump = pump
  }

  /// The exact transition over `length`, cached.
  mutating func transition(over length: ClockTime) -> Transition {
    if let cached = transitions[length.microseconds] { return cached }
    let made = disposition.transition(overMinutes: length.minutes)
    transitions[length.microseconds] = made
    return made
  }

  /// The unclamped rate (mg/min) for a period of `length` starting at
  /// `state`, and the offset (min) into the period at which the target
  /// `target` (mg/L) is predicted: the end of the period for plasma, the
  /// predicted peak for the effect site.
  mutating func rate(from state: SIMD4<Double>, over length: ClockTime, toReach target: Double) -> (
    rate: Double, offset: Double
  ) {
    if site == .plasma {
      let step = transition(over: length)
      let stopped = step.apply(to: state, rate: 0)[0]
      let perUnitRate = step.input[0]
      precondition(perUnitRate > 0, "a positive period gives a positive plasma response")
      return ((target * disposition.parameters.centralVolume - stopped) / perUnitRate, length.minutes)
    }
    precondition(site == .effectSite, "TCI targets plasma or the effect site")
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
