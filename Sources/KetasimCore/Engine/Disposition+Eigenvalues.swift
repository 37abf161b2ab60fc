import Foundation

extension Disposition {
  /// Eigenvalues of the mammillary rate matrix (1/min), fastest first.
  ///
  /// One compartment: `−k10`. Two: the roots of
  /// `λ² + (k10+k12+k21)λ + k10·k21`, the larger in magnitude from the
  /// quadratic formula and the other from the product of the roots (no
  /// cancellation). Three: the roots of
  ///
  /// ```
  /// λ³ + (k10+k12+k13+k21+k31)λ²
  ///    + (k10k21 + k10k31 + k12k31 + k13k21 + k21k31)λ + k10k21k31
  /// ```
  ///
  /// by the trigonometric method (all three are real), each polished by
  /// Newton steps on the cubic.
  static func eigenvalues(k10: Double, rates: [(outOfCentral: Double, backToCentral: Double)]) -> [Double] {
    switch rates.count {
    case 0:
      return [-k10]
    case 1:
      let (k12, k21) = rates[0]
      let sum = k10 + k12 + k21
      let product = k10 * k21
      let alpha = (sum + (sum * sum - 4 * product).squareRoot()) / 2
      return [-alpha, -product / alpha]
    case 2:
      let (k12, k21) = rates[0]
      let (k13, k31) = rates[1]
      let c2 = k10 + k12 + k13 + k21 + k31
      let c1 = k10 * k21 + k10 * k31 + k12 * k31 + k13 * k21 + k21 * k31
      let c0 = k10 * k21 * k31
      return cubicRoots(c2, c1, c0)
    default:
      preconditionFailure("at most three compartments are supported")
    }
  }

  /// The three real roots of `λ³ + c2λ² + c1λ + c0`, most negative first.
  static func cubicRoots(_ c2: Double, _ c1: Double, _ c0: Double) -> [Double] {
    let shift = c2 / 3
    let p = c1 - c2 * c2 / 3
    let q = 2 * c2 * c2 * c2 / 27 - c2 * c1 / 3 + c0
    let radius = 2 * (-p / 3).squareRoot()
    let cosine = max(-1, min(1, 3 * q / (p * radius)))
    let theta = acos(cosine) / 3
    var roots = (0..<3).map { k in radius * cos(theta - 2 * Double.pi * Double(k) / 3) - shift }
    for index in roots.indices {
      var x = roots[index]
      for _ in 0..<3 {
        let value = ((x + c2) * x + c1) * x + c0
        let slope = (3 * x + 2 * c2) * x + c1
        if slope == 0 { break }
        let next = x - value / slope
        if !next.isFinite || next == x { break }
        x = next
      }
      roots[index] = x
    }
    return roots.sorted()
  }
}
