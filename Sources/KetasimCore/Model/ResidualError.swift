import Foundation

/// How a measured concentration scatters around the individual prediction: the residual (unexplained) error of a
/// population model, in NONMEM's forms.
///
/// With `ε₁, ε₂ ~ N(0, 1)` independent, for a prediction `F` (ng/mL):
/// - additive `add = σ` (ng/mL): `Y = F + σ·ε₂`;
/// - proportional `prop = σ` (a fraction): `Y = F·(1 + σ·ε₁)`;
/// - combined (both): `Y = F·(1 + σₚ·ε₁) + σₐ·ε₂`, variance `σₐ² + (σₚ·F)²`;
/// - exponential `exp = σ` (log-normal): `Y = F·exp(σ·ε₁)`, so `ln(Y/F) ~ N(0, σ²)`; it stands alone.
///
/// Additive and combined errors can give negative values, as they do in NONMEM; they are written as drawn.
public struct ResidualError: Sendable, Equatable {
  /// SD of the additive part (ng/mL); 0 for none.
  public var additive = 0.0
  /// SD of the proportional part (a fraction of the prediction); 0 for none.
  public var proportional = 0.0
  /// SD of the log of the exponential error; 0 for none.
  public var exponential = 0.0

  public init(additive: Double = 0, proportional: Double = 0, exponential: Double = 0) {
    self.additive = additive
    self.proportional = proportional
    self.exponential = exponential
  }

  /// Parses `prop=0.2`, `add=5` (ng/mL), `prop=0.15,add=2` or `exp=0.2`.
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:)`` for another name, a value that is not a positive
  ///   finite number, a name given twice, or `exp` with another part.
  public init(parsing text: String) throws {
    let accepted =
      "prop=SD (a fraction, such as 0.2), add=SD (ng/mL), both joined by a comma, or exp=SD (log-normal) alone"
    var seen: Set<String> = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let pieces = part.split(separator: "=", omittingEmptySubsequences: false)
      let name = pieces.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
      guard pieces.count == 2, let value = Double(pieces[1].trimmingCharacters(in: .whitespaces)),
        value.isFinite, value > 0, seen.insert(name).inserted
      else { throw KetasimError.invalidValue("residual-error", text, accepted: accepted) }
      switch name {
      case "add": additive = value
      case "prop": proportional = value
      case "exp": exponential = value
      default: throw KetasimError.invalidValue("residual-error", text, accepted: accepted)
      }
    }
    guard exponential == 0 || (additive == 0 && proportional == 0) else {
      throw KetasimError.invalidValue("residual-error", text, accepted: accepted)
    }
  }

  /// The observation of prediction `prediction` (ng/mL) with the standard normals `epsilon1` and `epsilon2`.
  public func observe(_ prediction: Double, epsilon1: Double, epsilon2: Double) -> Double {
    if exponential > 0 { return prediction * exp(exponential * epsilon1) }
    return prediction * (1 + proportional * epsilon1) + additive * epsilon2
  }

  /// The random stream of `epsilon` (1 or 2) of a subject's `observation`-th observation record (from 0), for
  /// ``CounterRandom``: 2³³ and up, apart from the etas' streams (below 2³³) and the weight's.
  public static func stream(observation: Int, epsilon: Int) -> UInt64 {
    precondition(observation >= 0 && (1...2).contains(epsilon), "observation from 0, epsilon 1 or 2")
    return (1 << 33) + 2 * UInt64(observation) + UInt64(epsilon - 1)
  }
}
