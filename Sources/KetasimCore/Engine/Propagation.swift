/// The exact zero-order-hold transition of a ``CompartmentStructure`` over one span `h` (min).
///
/// ```
/// x(t + h) = Φ·x(t) + Γ·u,   Φ = e^{Ah},   Γ = ∫₀ʰ e^{As} ds · b,
/// ```
///
/// for amounts `x` (mg) and an infusion rate `u` (mg/min) held constant over the span.
public struct Propagation: Sendable, Equatable {
  /// How Φ and Γ were computed.
  public enum Method: Sendable, Equatable {
    /// Real eigen-decomposition `A = VΛV⁻¹` (diagonalisable, real spectrum, `κ₁(V) ≤ 10⁶`).
    case eigenDecomposition
    /// Scaled-and-squared [13/13] Padé exponential of the augmented matrix `[[Ah, bh], [0, 0]]`.
    case pade
  }

  /// Φ, row-major: `phi[i][j]` is the amount in `i` after `h` per mg initially in `j`.
  public let phi: [[Double]]
  /// Γ (mg per mg/min): amounts after `h` of a unit infusion held over the span from zero.
  public let gamma: [Double]
  /// The method used.
  public let method: Method

  /// `Φ·x + Γ·rate`.
  public func apply(to state: [Double], rate: Double) -> [Double] {
    precondition(state.count == gamma.count, "state has \(state.count) entries, the structure \(gamma.count)")
    return phi.indices.map { i in
      var sum = gamma[i] * rate
      for j in state.indices { sum += phi[i][j] * state[j] }
      return sum
    }
  }
}
