import Foundation

/// The exact solution of a linear mammillary model, in spectral form.
///
/// For amounts `x` (mg) and an infusion rate `u` (mg/min) into the central
/// compartment, the model is `x' = K·x + e₁·u` with
///
/// ```
///     ⎡−(k10+k12+k13)  k21   k31⎤
/// K = ⎢      k12      −k21    0 ⎥
///     ⎣      k13        0   −k31⎦
/// ```
///
/// `K` has `n` distinct negative eigenvalues `λᵢ` (the peripheral exit rates
/// interlace them). Its right and left eigenvectors have closed forms,
///
/// ```
/// vᵢ = (1, k12/(λᵢ+k21), k13/(λᵢ+k31)),  wᵢ = (1, k21/(λᵢ+k21), k31/(λᵢ+k31)),
/// sᵢ = wᵢ·vᵢ,
/// ```
///
/// so that `e^{KΔ} = Σᵢ e^{λᵢΔ} vᵢwᵢᵀ/sᵢ` and the forced response over a span
/// with constant input is `Γ(Δ) = Σᵢ expm1(λᵢΔ)/λᵢ · vᵢ/sᵢ`. No step size
/// enters anywhere: the solution is exact at every `Δ`.
///
/// The effect site, `Ce' = ke0·(x₁/V1 − Ce)`, is the convolution of the
/// central concentration with `ke0·e^{−ke0·t}`; its row uses exponential
/// divided differences `(e^{aΔ} − e^{bΔ})/(a − b)`, evaluated in a form that
/// stays accurate when `−ke0` is close to, or equal to, an eigenvalue.
public struct Disposition: Sendable {
  /// The individual parameters this solution was built from.
  public let parameters: PKParameters
  /// Eigenvalues `λᵢ` of `K` (1/min), all negative, fastest first.
  public let eigenvalues: [Double]
  let right: [SIMD4<Double>]
  let leftScaled: [SIMD4<Double>]  // wᵢ / sᵢ
  private let ke0: Double
  let hasEffectSite: Bool

  public init(_ parameters: PKParameters) {
    self.parameters = parameters
    let k10 = parameters.k10
    let rates = parameters.distributionRates
    let lambdas = Disposition.eigenvalues(k10: k10, rates: rates)
    self.eigenvalues = lambdas
    var right: [SIMD4<Double>] = []
    var leftScaled: [SIMD4<Double>] = []
    for lambda in lambdas {
      var v = SIMD4<Double>(1, 0, 0, 0)
      var w = SIMD4<Double>(1, 0, 0, 0)
      for (j, r) in rates.enumerated() {
        let d = lambda + r.backToCentral
        v[j + 1] = r.outOfCentral / d
        w[j + 1] = r.backToCentral / d
      }
      let s = (v * w).sum()
      right.append(v)
      leftScaled.append(w / s)
    }
    self.right = right
    self.leftScaled = leftScaled
    self.ke0 = parameters.ke0 ?? 0
    self.hasEffectSite = parameters.ke0 != nil
  }

  /// Number of states (compartments, plus one for the effect site).
  public var stateCount: Int { parameters.stateCount }

  /// Index of the effect-site state, if the model has one.
  public var effectSiteIndex: Int? { hasEffectSite ? parameters.compartmentCount : nil }

  /// The exact transition over `minutes` (≥ 0).
  public func transition(overMinutes t: Double) -> Transition {
    precondition(t >= 0 && t.isFinite, "transition span must be finite and non-negative, got \(t)")
    let n = parameters.compartmentCount
    var c0 = SIMD4<Double>.zero
    var c1 = SIMD4<Double>.zero
    var c2 = SIMD4<Double>.zero
    var c3 = SIMD4<Double>.zero
    var input = SIMD4<Double>.zero
    var effectFromCentralInput = 0.0
    var effectRow = SIMD4<Double>.zero
    // ∫₀ᵗ e^{−ke0(t−s)} ds, shared by every eigenvalue's input term.
    let constantInputToEffect = hasEffectSite ? Disposition.expDifference(0, -ke0, t) : 0
    for i in 0..<n {
      let lambda = eigenvalues[i]
      let v = right[i]
      let w = leftScaled[i] * exp(lambda * t)
      c0 += v * w[0]
      c1 += v * w[1]
      c2 += v * w[2]
      input += v * (Disposition.integralOfExp(lambda, t) * leftScaled[i][0])
      if hasEffectSite {
        // ∫₀ᵗ e^{−ke0(t−s)} e^{λs} ds and ∫₀ᵗ e^{−ke0(t−s)} (e^{λs}−1)/λ ds
        let d = Disposition.expDifference(lambda, -ke0, t)
        effectRow += leftScaled[i] * d
        effectFromCentralInput += leftScaled[i][0] * (d - constantInputToEffect) / lambda
      }
    }
    if hasEffectSite {
      // The effect row is the last used lane; padding lanes of v are zero,
      // so the PK columns hold zeros there before this.
      let scale = ke0 / parameters.centralVolume
      c0[n] = scale * effectRow[0]
      if n > 1 { c1[n] = scale * effectRow[1] }
      if n > 2 { c2[n] = scale * effectRow[2] }
      switch n {
      case 1: c1[n] = exp(-ke0 * t)
      case 2: c2[n] = exp(-ke0 * t)
      default: c3[n] = exp(-ke0 * t)
      }
      input[n] = scale * effectFromCentralInput
    }
    return Transition(columns: (c0, c1, c2, c3), input: input)
  }

  /// Central-compartment response: amount in compartment 1 (mg) at `t`
  /// minutes after a 1-mg bolus, `Σᵢ e^{λᵢt}/sᵢ` (used by closed-form checks).
  func unitBolusCentralAmount(atMinutes t: Double) -> Double {
    var total = 0.0
    for i in eigenvalues.indices { total += exp(eigenvalues[i] * t) * leftScaled[i][0] }
    return total
  }

  // MARK: - Scalar helpers

  /// `∫₀ᵗ e^{λs} ds = expm1(λt)/λ`, equal to `t` when `λ = 0`.
  static func integralOfExp(_ lambda: Double, _ t: Double) -> Double {
    lambda == 0 ? t : expm1(lambda * t) / lambda
  }

  /// `(e^{at} − e^{bt})/(a − b)`, which is `t·e^{at}` when `a = b`, computed
  /// without cancellation or overflow for any real `a`, `b` and `t ≥ 0`.
  static func expDifference(_ a: Double, _ b: Double, _ t: Double) -> Double {
    let high = max(a, b)
    let gap = abs(a - b)
    let scale = exp(high * t)
    if gap * t == 0 { return t * scale }
    return scale * -expm1(-gap * t) / gap
  }
}
