import Foundation

extension Disposition {
  /// `t ↦ r·x(t)` in modal form, for a row `r` that reads the compartments only (no effect-site weight).
  ///
  /// ```
  /// r·x(t) = Σᵢ (r·vᵢ)·[(wᵢ·x₀/sᵢ)·e^{λᵢt} + (wᵢ₁/sᵢ)·u·expm1(λᵢt)/λᵢ]
  /// ```
  ///
  /// The same spectral sums as ``transition(overMinutes:)`` (the compartments do not depend on the effect
  /// site), for one row instead of the whole matrix: the weights `r·vᵢ`, `wᵢ·x₀/sᵢ` and `wᵢ₁u/sᵢ` are fixed
  /// once per stretch, each evaluation costs one exponential per eigenvalue (two while the pump runs). A row
  /// with an effect-site weight goes through the whole transition.
  public struct ModalRowCurve: LinearRowCurve {
    let count: Int
    let eigenvalues: SIMD4<Double>
    let weights: SIMD4<Double>
    let fromState: SIMD4<Double>
    let fromInput: SIMD4<Double>
    let pumpRuns: Bool
    /// The whole-transition curve, for a row with an effect-site weight (boxed: the modal curve stays small
    /// and cheap to pass).
    let whole: WholeTransition?

    final class WholeTransition: Sendable {
      let curve: TransitionRowCurve<Disposition>
      init(_ curve: TransitionRowCurve<Disposition>) { self.curve = curve }
    }

    public func value(atMinutes t: Double) -> Double {
      if let whole { return whole.curve.value(atMinutes: t) }
      var total = 0.0
      for i in 0..<count {
        var term = fromState[i] * exp(eigenvalues[i] * t)
        if pumpRuns { term += fromInput[i] * Disposition.integralOfExp(eigenvalues[i], t) }
        total += weights[i] * term
      }
      return total
    }

    /// The value and its derivative: `d/dt e^{λt} = λe^{λt}` and `d/dt expm1(λt)/λ = e^{λt}`, from the same
    /// exponentials.
    public func valueAndSlope(atMinutes t: Double) -> (value: Double, slope: Double) {
      if let whole { return whole.curve.valueAndSlope(atMinutes: t) }
      var (total, slope) = (0.0, 0.0)
      for i in 0..<count {
        let lambda = eigenvalues[i]
        let decay = exp(lambda * t)
        var term = fromState[i] * decay
        var change = lambda * term
        if pumpRuns {
          term += fromInput[i] * Disposition.integralOfExp(lambda, t)
          change += fromInput[i] * decay
        }
        total += weights[i] * term
        slope += weights[i] * change
      }
      return (total, slope)
    }
  }

  public func rowCurve(_ row: SIMD4<Double>, from state: SIMD4<Double>, rate: Double) -> ModalRowCurve {
    let n = parameters.compartmentCount
    let whole =
      hasEffectSite && row[n] != 0
      ? ModalRowCurve.WholeTransition(TransitionRowCurve(system: self, row: row, state: state, rate: rate)) : nil
    var (lambdas, weights, fromState, fromInput) = (
      SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero
    )
    for i in 0..<n {
      lambdas[i] = eigenvalues[i]
      weights[i] = (row * right[i]).sum()
      fromState[i] = (leftScaled[i] * state).sum()
      fromInput[i] = leftScaled[i][0] * rate
    }
    return ModalRowCurve(
      count: n, eigenvalues: lambdas, weights: weights, fromState: fromState, fromInput: fromInput,
      pumpRuns: rate != 0, whole: whole)
  }
}
