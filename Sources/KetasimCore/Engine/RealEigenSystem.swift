import Foundation

/// A real eigen-decomposition `A = V·Λ·V⁻¹` of a rate matrix, accepted only when it is well conditioned.
///
/// Eigenvalues come from ``SquareMatrix/realEigenvalues()``; each eigenvector from two to three steps of
/// inverse iteration with `A − (λ + δ)I`, `δ = 10⁻¹²·max(‖A‖₁, 1)`, from a start vector that differs per
/// column, normalised to unit ∞-norm. The
/// decomposition is refused (the initialiser returns `nil`) when an eigenvalue is complex, the QR iteration
/// does not converge, or `κ₁(V) = ‖V‖₁‖V⁻¹‖₁` exceeds ``maximumCondition``. Repeated eigenvalues of a
/// defective matrix (a chain with equal rates, say) give two nearly parallel eigenvectors and so a huge
/// `κ₁(V)`: they are refused too, and the Padé path takes over.
///
/// Error bound: `e^{Ah}` rebuilt as `V·e^{Λh}·V⁻¹` has error about `n·κ₁(V)·u` relative to `‖e^{Ah}‖`
/// (`u = 2⁻⁵³`), so at most about `4·10⁻⁹` at the acceptance limit and near `10⁻¹⁴` for the catalogue's
/// mammillary models (κ₁ of order 10¹ to 10³).
struct RealEigenSystem: Sendable {
  /// Largest accepted `κ₁(V)`.
  static let maximumCondition = 1e6

  /// Eigenvalues (1/min).
  let values: [Double]
  /// Right eigenvectors as columns.
  let vectors: SquareMatrix
  /// `V⁻¹`.
  let inverse: SquareMatrix
  /// `κ₁(V)`.
  let condition: Double

  init?(_ a: SquareMatrix) {
    guard let values = a.realEigenvalues() else { return nil }
    let n = a.n
    let delta = 1e-12 * max(a.oneNorm, 1)
    var vectors = SquareMatrix(zeros: n)
    for (column, lambda) in values.enumerated() {
      var shifted = a
      for i in 0..<n { shifted[i, i] -= lambda + delta }
      var x = SquareMatrix(zeros: n)
      // A different start per column, so that a repeated but non-defective eigenvalue (two sinks) gets
      // independent vectors from its eigenspace.
      for i in 0..<n { x[i, 0] = 1 + 0.5 * sin(1.7 * Double((i + 1) * (column + 1))) }
      for _ in 0..<3 {
        guard let next = shifted.solve(x) else { return nil }
        var largest = 0.0
        for i in 0..<n where abs(next[i, 0]) > abs(largest) { largest = next[i, 0] }
        guard largest != 0, largest.isFinite else { return nil }
        for i in 0..<n { x[i, 0] = next[i, 0] / largest }
      }
      for i in 0..<n { vectors[i, column] = x[i, 0] }
    }
    guard let inverse = vectors.solve(SquareMatrix(identity: n)) else { return nil }
    let condition = vectors.oneNorm * inverse.oneNorm
    guard condition.isFinite, condition <= Self.maximumCondition else { return nil }
    self.values = values
    self.vectors = vectors
    self.inverse = inverse
    self.condition = condition
  }

  /// `V·diag(f(λᵢ))·V⁻¹`.
  func function(_ f: (Double) -> Double) -> SquareMatrix {
    let n = values.count
    var scaled = vectors
    for j in 0..<n {
      let fj = f(values[j])
      for i in 0..<n { scaled[i, j] *= fj }
    }
    return scaled * inverse
  }
}
