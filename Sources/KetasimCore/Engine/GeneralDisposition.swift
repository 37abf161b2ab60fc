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
  /// The spectrum of `A` when it is real (with or without a well-conditioned eigenvector basis).
  let realEigenvalues: [Double]?
  /// `A⁻¹` when `A` is non-singular (every compartment drains).
  let inverseRates: SquareMatrix?
  /// The eigen-decomposition in the `SIMD16` layout of ``transition(overMinutes:)``: `V`'s columns, `V⁻¹`
  /// by rows, and `V⁻¹·b`.
  let spectralColumns: [SIMD16<Double>]
  let spectralInverse: [[Double]]
  let spectralInput: [Double]
  /// The model's observations in the engine's form.
  public let observations: [Observation]
  /// `A` by rows (1/min) and `b`, in the state layout: stored, since the read-out's Newton steps read it at
  /// every evaluation of a slope.
  public let stateMatrix: (rows: [SIMD16<Double>], input: SIMD16<Double>)

  public init(_ structure: CompartmentStructure) {
    self.structure = structure
    var b = SIMD16<Double>.zero
    b[structure.inputCompartment] = 1
    stateMatrix = (
      structure.rateMatrix.map { row in
        var r = SIMD16<Double>.zero
        for (j, value) in row.enumerated() { r[j] = value }
        return r
      }, b
    )
    let rates = SquareMatrix(rows: structure.rateMatrix)
    self.rates = rates
    input = structure.inputVector
    let eigenSystem = RealEigenSystem(rates)
    self.eigenSystem = eigenSystem
    realEigenvalues = eigenSystem?.values ?? rates.realEigenvalues()
    inverseRates = rates.solve(SquareMatrix(identity: structure.count))
    let n = structure.count
    if let eigenSystem {
      spectralColumns = (0..<n).map { k in
        var column = SIMD16<Double>.zero
        for i in 0..<n { column[i] = eigenSystem.vectors[i, k] }
        return column
      }
      spectralInverse = eigenSystem.inverse.rows
      spectralInput = spectralInverse.map { row in zip(row, structure.inputVector).reduce(0) { $0 + $1.0 * $1.1 } }
    } else {
      (spectralColumns, spectralInverse, spectralInput) = ([], [], [])
    }
    observations = structure.observations.map { observation in
      let perMilligramPerLitre =
        observation.unit == .nanogramsPerMillilitre ? 1000 : 1000 / (observation.molarMass ?? .nan)
      return Observation(
        site: Observation.Site(rawValue: observation.name), stateIndex: observation.compartment,
        inverseVolume: 1 / observation.volume, unitFactor: perMilligramPerLitre, unit: observation.unit,
        scale: observation.scale)
    }
  }

  /// A structure the exact read-out can serve: a real spectrum (peaks and crossings are found on sums of
  /// real exponentials) and a non-singular rate matrix (areas come from mass balance).
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` naming the structure otherwise.
  public init(checking structure: CompartmentStructure, name: String) throws {
    self.init(structure)
    guard realEigenvalues != nil else {
      throw KetasimError.invalidValue(
        "structure of \(name)", "a rate matrix with complex eigenvalues",
        accepted: "a compartment structure with a real spectrum (no flow cycle through three or more compartments "
          + "that makes it oscillate)")
    }
    guard inverseRates != nil else {
      throw KetasimError.invalidValue(
        "structure of \(name)", "a compartment that never drains",
        accepted: "a structure where drug in every compartment is eventually eliminated")
    }
  }

  /// The method ``transition(overMinutes:)`` uses for this structure.
  public var automaticMethod: Propagation.Method { eigenSystem == nil ? .pade : .eigenDecomposition }

  /// Eigenvalues (1/min) when the eigen-decomposition was accepted.
  public var eigenvalues: [Double]? { eigenSystem?.values }

  /// `κ₁(V)` of the eigenvector matrix when the eigen-decomposition was accepted.
  public var eigenvectorCondition: Double? { eigenSystem?.condition }

  /// The exact transition over `minutes` (finite, ≥ 0) by the automatic method, as arrays.
  public func propagation(overMinutes minutes: Double) -> Propagation {
    guard let result = propagation(overMinutes: minutes, method: automaticMethod) else {
      preconditionFailure("the Padé exponential of a finite compartment matrix cannot fail")
    }
    return result
  }

  /// The exact transition over `minutes` by `method`, as arrays; `nil` when `method` is `.eigenDecomposition` and the
  /// decomposition was refused, or (never for finite input) when the Padé denominator is singular.
  public func propagation(overMinutes h: Double, method: Propagation.Method) -> Propagation? {
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
