import Foundation

extension Disposition {
  /// `r·x(t)` in modal form, for a row `r` that reads the compartments only (no effect-site weight).
  ///
  /// ```
  /// r·x(t) = Σᵢ (r·vᵢ)·[(wᵢ·x₀/sᵢ)·e^{λᵢt} + (wᵢ₁/sᵢ)·u·expm1(λᵢt)/λᵢ]
  /// ```
  ///
  /// the same spectral sums as ``transition(overMinutes:)`` (the compartments do not depend on the effect
  /// site), for one row instead of the whole matrix, and without the input term while the pump is off. The
  /// read-out evaluates its curves thousands of times per patient over a long series; this is its cost. A
  /// row with an effect-site weight goes through the whole transition.
  public func evaluate(
    _ row: SIMD4<Double>, from state: SIMD4<Double>, rate: Double, overMinutes t: Double
  ) -> Double {
    precondition(t >= 0 && t.isFinite, "evaluation offset must be finite and non-negative, got \(t)")
    let n = parameters.compartmentCount
    if hasEffectSite, row[n] != 0 {
      return (row * transition(overMinutes: t).apply(to: state, rate: rate)).sum()
    }
    var total = 0.0
    for i in 0..<n {
      let weight = (row * right[i]).sum()
      var term = (leftScaled[i] * state).sum() * exp(eigenvalues[i] * t)
      if rate != 0 { term += leftScaled[i][0] * rate * Disposition.integralOfExp(eigenvalues[i], t) }
      total += weight * term
    }
    return total
  }
}
