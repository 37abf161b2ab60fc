import Foundation

/// SplitMix64 (Steele, Lea and Flood 2014), a small well-mixed generator.
///
/// The Python peers implement the same generator
/// (`Benchmarks/peers/scenario.py`), so both sides draw the same population.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform draw in the open interval (0, 1): `((x >> 11) + 0.5) / 2⁵³`.
  public mutating func nextOpenUnit() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1p-53
  }

  /// A standard normal draw by Box–Muller, `√(−2 ln u₁)·cos(2π u₂)` (the
  /// sine half is discarded, so every normal costs two uniforms).
  public mutating func nextNormal() -> Double {
    let u1 = nextOpenUnit()
    let u2 = nextOpenUnit()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }
}
