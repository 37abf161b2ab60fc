/// The exact transition `x ← Φ·x + Γ·u` of a ``GeneralDisposition`` over one span, in the `SIMD16` state
/// layout of the engine (lanes beyond the structure's compartments are zero).
public struct GeneralTransition: LinearStep, Equatable {
  /// Φ's columns: `columns[j]` is the response to one mg in compartment `j`.
  public let columns: [SIMD16<Double>]
  /// Γ: the response to one mg/min held over the span.
  public let input: SIMD16<Double>

  public init(columns: [SIMD16<Double>], input: SIMD16<Double>) {
    precondition(columns.count <= 16, "at most 16 states")
    self.columns = columns
    self.input = input
  }

  /// The same transition from its array form.
  public init(_ propagation: Propagation) {
    let n = propagation.gamma.count
    var input = SIMD16<Double>.zero
    for i in 0..<n { input[i] = propagation.gamma[i] }
    columns = (0..<n).map { j in
      var column = SIMD16<Double>.zero
      for i in 0..<n { column[i] = propagation.phi[i][j] }
      return column
    }
    self.input = input
  }

  public func phi(_ i: Int, _ j: Int) -> Double { columns[j][i] }

  public func apply(to state: SIMD16<Double>, rate: Double) -> SIMD16<Double> {
    var next = input * rate
    for j in columns.indices { next += columns[j] * state[j] }
    return next
  }
}
