import Foundation

/// Brent's method for a root of a continuous function on an interval where
/// it changes sign.
///
/// See Brent 1973, *Algorithms for Minimization without Derivatives*, ch. 4:
/// inverse quadratic or secant steps, with bisection
/// whenever they would not shrink the bracket fast enough, so it never takes
/// more steps than bisection and usually far fewer.
enum BracketedRoot {
  /// A root of `f` in `[low, high]` to within `tolerance`, given
  /// `f(low) = fLow` and `f(high) = fHigh` of opposite signs (or one zero).
  static func find(
    _ low: Double, _ high: Double, fLow: Double, fHigh: Double, tolerance: Double, _ f: (Double) -> Double
  ) -> Double {
    precondition(fLow * fHigh <= 0, "a bracketed root needs a sign change, got f = \(fLow) and \(fHigh)")
    if fLow == 0 { return low }
    if fHigh == 0 { return high }
    var a = low
    var b = high
    var fa = fLow
    var fb = fHigh
    var c = a
    var fc = fa
    var d = b - a
    var e = d
    while true {
      if (fb > 0) == (fc > 0) {
        c = a
        fc = fa
        d = b - a
        e = d
      }
      if abs(fc) < abs(fb) {
        (a, b, c) = (b, c, b)
        (fa, fb, fc) = (fb, fc, fb)
      }
      let tol = 2 * Double.ulpOfOne * abs(b) + tolerance / 2
      let m = (c - b) / 2
      if abs(m) <= tol || fb == 0 { return b }
      if abs(e) >= tol, abs(fa) > abs(fb) {
        var p: Double
        var q: Double
        let s = fb / fa
        if a == c {
          p = 2 * m * s
          q = 1 - s
        } else {
          let qa = fa / fc
          let r = fb / fc
          p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1))
          q = (qa - 1) * (r - 1) * (s - 1)
        }
        if p > 0 { q = -q } else { p = -p }
        if 2 * p < min(3 * m * q - abs(tol * q), abs(e * q)) {
          e = d
          d = p / q
        } else {
          d = m
          e = m
        }
      } else {
        d = m
        e = m
      }
      a = b
      fa = fb
      b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
      fb = f(b)
    }
  }
}
