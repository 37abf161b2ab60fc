import Foundation

extension GeneralDisposition: LinearSystem {
  public typealias State = SIMD16<Double>
  public typealias Step = GeneralTransition

  public var stateCount: Int { structure.count }

  public var inputIndex: Int { structure.inputCompartment }

  public var inputFraction: Double { structure.inputFraction }

  /// `Φ = Σₖ e^{λₖh}·vₖ·wₖᵀ` and `Γ = Σₖ φ₁(λₖ, h)·vₖ·(wₖ·b)` from the eigen-decomposition (`vₖ` the
  /// columns of `V`, `wₖ` the rows of `V⁻¹`, `φ₁(λ, h) = expm1(λh)/λ`), else the Padé exponential of the
  /// augmented matrix (see the type's documentation for when each is used).
  public func transition(overMinutes h: Double) -> GeneralTransition {
    precondition(h >= 0 && h.isFinite, "transition span must be finite and non-negative, got \(h)")
    guard let values = eigenvalues else { return GeneralTransition(propagation(overMinutes: h)) }
    let n = structure.count
    var columns = [SIMD16<Double>](repeating: .zero, count: n)
    var input = SIMD16<Double>.zero
    for k in 0..<n {
      let lambda = values[k]
      let growth = exp(lambda * h)
      let integral = lambda == 0 ? h : expm1(lambda * h) / lambda
      let v = spectralColumns[k]
      for j in 0..<n { columns[j] += v * (growth * spectralInverse[k][j]) }
      input += v * (integral * spectralInput[k])
    }
    return GeneralTransition(columns: columns, input: input)
  }

  /// The real spectrum of `A`; empty only for a structure ``init(checking:name:)`` refuses.
  public var stateEigenvalues: [Double] { realEigenvalues ?? [] }

  /// `scale · (A⁻¹·(x(T) − x(0) − b·given))[i]` for the observation of state `i`: integrating
  /// `x' = A·x + b·u` over the stretch gives `x(T) − x(0) = A·∫x + b·given`.
  public func areaUnderCurve(
    of observation: Observation, initial: SIMD16<Double>, final: SIMD16<Double>, given: Double
  ) -> Double {
    guard let inverse = inverseRates else { return .nan }
    var change = final - initial
    change[structure.inputCompartment] -= given * structure.inputFraction
    var integral = 0.0
    for j in 0..<structure.count { integral += inverse[observation.stateIndex, j] * change[j] }
    return integral * observation.scale
  }
}
