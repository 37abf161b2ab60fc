import Foundation

/// Exact propagation of any ``CompartmentStructure`` with piecewise-constant input.
///
/// Two methods, chosen once per structure (the choice does not depend on the span):
///
/// - **Eigen-decomposition** when `A` has real eigenvalues and a well-conditioned eigenvector matrix
///   (`κ₁(V) ≤ 10⁶`, see ``RealEigenSystem``): `Φ = V·diag(e^{λᵢh})·V⁻¹`,
///   `Γ = V·diag(φ₁(λᵢ, h))·V⁻¹·b` with `φ₁(λ, h) = expm1(λh)/λ` (`= h` at `λ = 0`). Error about
///   `n·κ₁(V)·2⁻⁵³` relative to `‖Φ‖`. This is the usual case: compartment matrices are Metzler with
///   non-positive column sums, and mammillary and catenary ones are similar to symmetric matrices, so their
///   spectrum is real and non-positive.
/// - **Padé** otherwise (complex pair, repeated eigenvalue without a full set of eigenvectors, or an
///   ill-conditioned `V`): the [13/13] scaled-and-squared Padé exponential (Higham 2005) of the augmented
///   `(n+1)×(n+1)` matrix `M = [[A·h, b·h], [0, 0]]`, whose exponential is `[[Φ, Γ], [0, 1]]`. Backward error
///   at most `2⁻⁵³·‖M‖` per scaled step; forward error a few `10⁻¹⁴` relative to `‖Φ‖` for these
///   matrices.
///
/// Units: rates 1/min, spans min, amounts mg, input mg/min.
public struct GeneralDisposition: Sendable {
  /// The structure this solution was built for.
  public let structure: CompartmentStructure
  private let rates: SquareMatrix
  private let input: [Double]
  private let eigenSystem: RealEigenSystem?

  public init(_ structure: CompartmentStructure) {
    self.structure = structure
    rates = SquareMatrix(rows: structure.rateMatrix)
    input = structure.inputVector
    eigenSystem = RealEigenSystem(rates)
  }

  /// The method ``transition(overMinutes:)`` uses for this structure.
  public var automaticMethod: Propagation.Method { eigenSystem == nil ? .pade : .eigenDecomposition }

  /// Eigenvalues (1/min) when the eigen-decomposition was accepted.
  public var eigenvalues: [Double]? { eigenSystem?.values }

  /// `κ₁(V)` of the eigenvector matrix when the eigen-decomposition was accepted.
  public var eigenvectorCondition: Double? { eigenSystem?.condition }

  /// The exact transition over `minutes` (finite, ≥ 0) by the automatic method.
  public func transition(overMinutes minutes: Double) -> Propagation {
    guard let result = transition(overMinutes: minutes, method: automaticMethod) else {
      preconditionFailure("the Padé exponential of a finite compartment matrix cannot fail")
    }
    return result
  }

  /// The exact transition over `minutes` by `method`; `nil` when `method` is `.eigenDecomposition` and the
  /// decomposition was refused, or (never for finite input) when the Padé denominator is singular.
  public func transition(overMinutes h: Double, method: Propagation.Method) -> Propagation? {
    precondition(h >= 0 && h.isFinite, "transition span must be finite and non-negative, got \(h)")
    let n = structure.count
    switch method {
    case .eigenDecomposition:
      guard let eigenSystem else { return nil }
      let phi = eigenSystem.function { exp($0 * h) }
      let integral = eigenSystem.function { $0 == 0 ? h : expm1($0 * h) / $0 }
      let gamma = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + integral[i, $1] * input[$1] } }
      return Propagation(phi: phi.rows, gamma: gamma, method: .eigenDecomposition)
    case .pade:
      var augmented = SquareMatrix(zeros: n + 1)
      for i in 0..<n {
        for j in 0..<n { augmented[i, j] = rates[i, j] * h }
        augmented[i, n] = input[i] * h
      }
      guard let e = augmented.exponential() else { return nil }
      let phi = (0..<n).map { i in (0..<n).map { j in e[i, j] } }
      let gamma = (0..<n).map { e[$0, n] }
      return Propagation(phi: phi, gamma: gamma, method: .pade)
    }
  }

  /// The observations of `state` (amounts in mg), in each observation's unit, in the structure's order.
  public func observe(_ state: [Double]) -> [Double] {
    structure.observations.map { state[$0.compartment] * $0.scale }
  }
}
