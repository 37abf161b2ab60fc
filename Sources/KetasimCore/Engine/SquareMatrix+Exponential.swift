import Foundation

extension SquareMatrix {
  /// Coefficients of the degree-13 Padé approximant of `eˣ`.
  ///
  /// From Higham 2005, "The scaling and squaring method for the matrix exponential revisited".
  private static let pade13: [Double] = [
    64_764_752_532_480_000, 32_382_376_266_240_000, 7_771_770_303_897_600, 1_187_353_796_428_800,
    129_060_195_264_000, 10_559_470_521_600, 670_442_572_800, 33_522_128_640, 1_323_241_920, 40_840_800,
    960_960, 16_380, 182, 1,
  ]

  /// θ₁₃ of Higham 2005: for ‖A‖₁ ≤ θ₁₃ the [13/13] Padé approximant meets unit roundoff (2⁻⁵³) in
  /// backward error.
  static let pade13Theta = 5.371920351148152

  /// `e^A` by scaling and squaring with the [13/13] Padé approximant (Higham 2005, Algorithm 2.3, degree 13
  /// only).
  ///
  /// With `s = max(0, ⌈log₂(‖A‖₁/θ₁₃)⌉)`, `r₁₃(A/2ˢ)` has backward error at most unit roundoff, i.e. it is
  /// `e^{A/2ˢ + E}` with `‖E‖ ≤ 2⁻⁵³‖A/2ˢ‖`; the `s` squarings then give `e^{A + 2ˢE}`. The forward error is
  /// bounded by the condition number of the exponential at `A` times that, which for the compartment
  /// matrices here (Metzler, eigenvalues ≤ 0, ‖A h‖ of order 10²) is a few times 10⁻¹⁴ relative to `‖e^A‖`.
  /// Returns `nil` when the Padé denominator is singular (it cannot be for ‖A‖ ≤ θ₁₃ in exact arithmetic).
  func exponential() -> SquareMatrix? {
    let norm = oneNorm
    guard norm.isFinite else { return nil }
    var squarings = 0
    if norm > Self.pade13Theta {
      squarings = max(0, Int((log2(norm / Self.pade13Theta)).rounded(.up)))
    }
    let a = Foundation.pow(2, -Double(squarings)) * self
    let b = Self.pade13
    let id = SquareMatrix(identity: n)
    let a2 = a * a
    let a4 = a2 * a2
    let a6 = a4 * a2
    let innerU = b[13] * a6 + b[11] * a4 + b[9] * a2
    let u = a * (a6 * innerU + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * id)
    let innerV = b[12] * a6 + b[10] * a4 + b[8] * a2
    let v = a6 * innerV + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * id
    guard var r = (v - u).solve(v + u) else { return nil }
    for _ in 0..<squarings { r = r * r }
    return r
  }
}
