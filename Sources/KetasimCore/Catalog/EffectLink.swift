import Foundation

/// How an endpoint's effect follows its concentration, when the published model gives the whole curve.
///
/// Concentrations are ng/mL of the endpoint's basis drug (``EffectEndpoint/isSKetamineBasis``); effects are
/// in ``unit``.
public enum EffectLink: Sendable, Equatable {
  /// `E = E0 + (Emax − E0)·C^γ / (C50^γ + C^γ)`, with C50 the endpoint's.
  case sigmoidEmax(baseline: Double, maximum: Double, gamma: Double)
  /// `E = s·C` for each slope `s` of a published range (effect per ng/mL): a low and a high curve, for
  /// relations published per item or per subject as a range rather than as one line.
  case linear(slopes: ClosedRange<Double>)
}

extension EffectLink {
  /// The effects at `concentration` (ng/mL of the basis drug): one value for a sigmoid, the low and the
  /// high line for a linear range.
  @inlinable
  public func effects(at concentration: Double, c50: Double?) -> [Double] {
    switch self {
    case .sigmoidEmax(let e0, let emax, let gamma):
      // C^γ/(C50^γ + C^γ) = 1/(1 + (C50/C)^γ), exact at C = 0 and without overflow for large γ.
      guard concentration > 0, let c50 else { return [e0] }
      return [e0 + (emax - e0) / (1 + pow(c50 / concentration, gamma))]
    case .linear(let slopes):
      return [slopes.lowerBound * concentration, slopes.upperBound * concentration]
    }
  }

  /// The concentration (ng/mL of the basis drug) at which the effect reaches `level`, where the link is
  /// one increasing or decreasing curve: `C50·(f/(1 − f))^(1/γ)` with `f = (E − E0)/(Emax − E0)`.
  ///
  /// - Returns: nil for a linear range (no single concentration) or a level outside `(E0, Emax)`.
  public func concentration(reaching level: Double, c50: Double?) -> Double? {
    guard case .sigmoidEmax(let e0, let emax, let gamma) = self, let c50 else { return nil }
    let fraction = (level - e0) / (emax - e0)
    guard fraction > 0, fraction < 1 else { return nil }
    return c50 * pow(fraction / (1 - fraction), 1 / gamma)
  }

  /// Effect column suffixes: `[""]` for a sigmoid, `["_low", "_high"]` for a linear range.
  public var curveSuffixes: [String] {
    switch self {
    case .sigmoidEmax: return [""]
    case .linear: return ["_low", "_high"]
    }
  }
}
