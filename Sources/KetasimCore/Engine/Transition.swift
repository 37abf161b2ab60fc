/// The exact zero-order-hold transition of a model over one time span `Δ`.
///
/// In formulas:
///
/// ```
/// x(t + Δ) = Φ(Δ) · x(t) + Γ(Δ) · u
/// ```
///
/// for a constant infusion rate `u` (mg/min) into the central compartment.
/// States are packed in a `SIMD4<Double>`: amounts of compartments 1…n in
/// mg, then the effect-site concentration in mg/L when the model has one;
/// unused lanes are zero.
public struct Transition: Sendable, Equatable {
  /// Columns of Φ: `columns[j]` is the response to a unit of state `j`.
  public var columns: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)
  /// Γ: the response to one mg/min held over the span.
  public var input: SIMD4<Double>

  public init(
    columns: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>), input: SIMD4<Double>
  ) {
    self.columns = columns
    self.input = input
  }

  /// Φ's entry in row `i`, column `j`.
  public func phi(_ i: Int, _ j: Int) -> Double {
    switch j {
    case 0: return columns.0[i]
    case 1: return columns.1[i]
    case 2: return columns.2[i]
    default: return columns.3[i]
    }
  }

  /// Applies the transition to `state` with rate `rate` (mg/min).
  @inlinable
  public func apply(to state: SIMD4<Double>, rate: Double) -> SIMD4<Double> {
    var next = input * rate
    next += columns.0 * state[0]
    next += columns.1 * state[1]
    next += columns.2 * state[2]
    next += columns.3 * state[3]
    return next
  }

  public static func == (lhs: Transition, rhs: Transition) -> Bool {
    lhs.columns.0 == rhs.columns.0 && lhs.columns.1 == rhs.columns.1 && lhs.columns.2 == rhs.columns.2
      && lhs.columns.3 == rhs.columns.3 && lhs.input == rhs.input
  }
}
