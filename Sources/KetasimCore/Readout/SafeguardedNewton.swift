/// Newton's method kept inside a bracket, for a root of a smooth function whose derivative is known.
///
/// The search starts at `low`. Each step is Newton's, `x − f(x)/f′(x)`, unless it would leave the current
/// bracket or shrink less than half as fast as the step before last; then it bisects the bracket instead
/// (the safeguard of Press et al., *Numerical Recipes*, 3rd ed., §9.4). Every evaluation narrows the
/// bracket, so the search never does much worse than bisection, and near a simple root it converges
/// quadratically.
///
/// Starting at `low` suits the read-out's stretches: where `f` is convex and decreasing (a decay after a
/// dose, on a log scale) or concave and increasing (the rise under an infusion), every Newton iterate
/// from the left end stays left of the root and approaches it monotonically, however far away the other
/// end is. The chord of the two ends, the usual first guess, lands near the far end of a decay days long.
enum SafeguardedNewton {
  /// A root of `f` in `[low, high]` to within `tolerance`.
  ///
  /// `f(low) = fLow` and `f(high) = fHigh` have opposite signs (or one is zero). `f` returns the value and
  /// the derivative at a point.
  static func find(
    _ low: Double, _ high: Double, fLow: Double, fHigh: Double, tolerance: Double,
    _ f: (Double) -> (value: Double, slope: Double)
  ) -> Double {
    precondition(fLow * fHigh <= 0, "a bracketed root needs a sign change, got f = \(fLow) and \(fHigh)")
    if fLow == 0 { return low }
    if fHigh == 0 { return high }
    // `negative` is the end of the bracket where f < 0, `positive` the end where f > 0.
    var (negative, positive) = fLow < 0 ? (low, high) : (high, low)
    var x = low
    var step = abs(high - low)
    var stepBefore = step
    var lastWasNewton = false
    for _ in 0..<200 {
      let (value, slope) = f(x)
      if value == 0 { return x }
      if value < 0 { negative = x } else { positive = x }
      let (a, b) = (min(negative, positive), max(negative, positive))
      let limit = 2 * Double.ulpOfOne * abs(x) + tolerance / 2
      let newton = x - value / slope
      // A Newton step within the limit ends the search (it may round to `x` itself, an end of the bracket).
      if abs(newton - x) <= limit { return min(max(newton, a), b) }
      let takeNewton = newton > a && newton < b && abs(2 * value) <= abs(stepBefore * slope)
      let next = takeNewton ? newton : a + (b - a) / 2
      stepBefore = step
      step = abs(next - x)
      if b - a <= 2 * limit { return next }
      // Converging quadratically, the next step would be smaller than step²/stepBefore: when that is within
      // the limit, `next` already is, and the evaluation that would confirm it is saved.
      if takeNewton, lastWasNewton, step * step <= limit * stepBefore { return next }
      lastWasNewton = takeNewton
      x = next
    }
    return x
  }
}
