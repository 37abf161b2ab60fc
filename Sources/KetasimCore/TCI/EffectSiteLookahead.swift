import Foundation

/// The look-ahead of effect-site targeting (Shafer & Gregg 1992) for one
/// period length `P`: the largest rate for the period such that the predicted
/// effect-site concentration never exceeds the target.
///
/// With `b(t)` the effect site `t` minutes ahead with the pump stopped and
/// `h(t)` its response to 1 mg/min over `[0, P]` (zero after), both exact,
/// the effect site under rate `r` is `b(t) + r·h(t)` (linearity). It stays at
/// or below the target `T` for all `t > 0` exactly when
///
/// ```
/// r ≤ f(t) = (T − b(t)) / h(t)  for every t > 0,
/// ```
///
/// so the rate is `min f` and the minimiser `t*` is the time of the
/// predicted peak, where the curve touches `T`. STANPUMP finds `t*` by
/// iterating "peak time → rate → new peak time"; here `f` is minimised
/// directly: sampled on a fixed pattern (16 points inside the period, 128
/// up to four times the unit response's peak, then 5 % geometric steps to
/// the horizon), and each of the two lowest local minima refined by golden
/// section to 1e-9 min. `h` vanishes only at `t = 0` and `f` grows without
/// bound as `t → ∞` (`h → 0`, `T − b → T`), so the minimum is interior.
/// The horizon is `P + max(60 min, 10/ke0, 8·t_peak)` (PyTCI uses 60 min).
struct EffectSiteLookahead {
  let disposition: Disposition
  /// Period length (min).
  let period: Double
  let effect: Int
  /// State after the period at 1 mg/min from empty: `Γ(P)`.
  let unitAtEnd: SIMD4<Double>
  /// Time (min from the period start) of the peak of `h`.
  let unitPeak: Double
  /// Sample offsets (min), the zero-input transitions there, and `h`.
  private let offsets: [Double]
  private let stopped: [Transition]
  private let unit: [Double]

  /// Golden-section searches stop at this width (min).
  static let tolerance = 1e-9

  init(disposition: Disposition, period: ClockTime) {
    guard let effect = disposition.effectSiteIndex, let ke0 = disposition.parameters.ke0 else {
      preconditionFailure("effect-site targeting needs a model with an effect site")
    }
    precondition(period > .zero, "the period must be positive")
    self.disposition = disposition
    self.period = period.minutes
    self.effect = effect
    self.unitAtEnd = disposition.transition(overMinutes: period.minutes).input
    // After the period the central concentration only falls, so h rises
    // until the effect site meets it and falls after: one peak, which a
    // golden section over a generous bracket finds.
    let p = period.minutes
    let unitAtEnd = self.unitAtEnd
    let after = { (t: Double) in disposition.transition(overMinutes: t).apply(to: unitAtEnd, rate: 0)[effect] }
    let peakAfter = GoldenSection.minimum(0, 20 / ke0 + 60, tolerance: EffectSiteLookahead.tolerance) { -after($0) }
    self.unitPeak = p + peakAfter
    let horizon = p + max(60, 10 / ke0, 8 * unitPeak)
    var offsets = (1...16).map { p * Double($0) / 16 }
    let fine = 4 * unitPeak / 128
    var t = p
    while t + fine <= 4 * unitPeak {
      t += fine
      offsets.append(t)
    }
    while t < horizon {
      t = min(horizon, max(t * 1.05, t + fine))
      offsets.append(t)
    }
    self.offsets = offsets
    self.stopped = offsets.map { disposition.transition(overMinutes: $0) }
    self.unit = offsets.map { t in
      t <= p
        ? disposition.transition(overMinutes: t).input[effect]
        : disposition.transition(overMinutes: t - p).apply(to: unitAtEnd, rate: 0)[effect]
    }
  }

  /// `h(t)`: the effect site `t` min after the start of 1 mg/min over the period.
  func unitResponse(at t: Double) -> Double {
    t <= period
      ? disposition.transition(overMinutes: t).input[effect]
      : disposition.transition(overMinutes: t - period).apply(to: unitAtEnd, rate: 0)[effect]
  }

  /// `f(t) = (T − b(t)) / h(t)` evaluated exactly.
  private func ratio(_ state: SIMD4<Double>, _ target: Double, _ t: Double) -> Double {
    let h = unitResponse(at: t)
    guard h > 0 else { return .infinity }
    return (target - disposition.transition(overMinutes: t).apply(to: state, rate: 0)[effect]) / h
  }

  /// The largest rate (mg/min, possibly negative: the prediction already
  /// exceeds the target) that keeps the effect site at or below `target`
  /// (mg/L), and the offset (min) of the predicted peak.
  func largestRate(from state: SIMD4<Double>, target: Double) -> (rate: Double, offset: Double) {
    var values: [Double] = []
    values.reserveCapacity(offsets.count)
    for k in offsets.indices {
      let h = unit[k]
      values.append(h > 0 ? (target - stopped[k].apply(to: state, rate: 0)[effect]) / h : .infinity)
    }
    var minima: [Int] = []
    for k in values.indices {
      let left = k == 0 ? Double.infinity : values[k - 1]
      let right = k + 1 == values.count ? Double.infinity : values[k + 1]
      if values[k] <= left, values[k] <= right { minima.append(k) }
    }
    minima.sort { values[$0] < values[$1] }
    var best = (rate: Double.infinity, offset: period)
    for k in minima.prefix(2) {
      let low = k == 0 ? 0 : offsets[k - 1]
      let high = k + 1 == offsets.count ? offsets[k] : offsets[k + 1]
      let t = GoldenSection.minimum(low, high, tolerance: EffectSiteLookahead.tolerance) { ratio(state, target, $0) }
      let refined = min(ratio(state, target, t), values[k])
      if refined < best.rate { best = (refined, refined == values[k] ? offsets[k] : t) }
    }
    return best
  }
}
