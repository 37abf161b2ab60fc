/// Counter-based random numbers: every draw is a pure function of
/// `(seed, subject, stream)`.
///
/// A population run needs subject `i`'s sample to be the same whether the
/// run has 10 or 10 million subjects, whether it is split into shards, and
/// whichever thread computes it. A sequential generator cannot promise that
/// without replaying the sequence; a counter-based one can. Here the 64
/// random bits of a key are
///
/// ```
/// z₁ = mix(seed ⊕ K₀)
/// z₂ = mix(z₁ ⊕ subject·K₁)
/// bits = mix(z₂ ⊕ stream·K₂)
/// ```
///
/// where `mix` is the SplitMix64 output function (Steele, Lea & Flood 2014;
/// Stafford's "Mix13" finaliser: xor-shift 30, multiply, xor-shift 27,
/// multiply, xor-shift 31) and `K₀…K₂` are odd 64-bit constants. `mix` is a
/// bijection of `UInt64` and so is multiplication by an odd constant, so for
/// a fixed seed and stream different subjects always get different bits.
///
/// A *stream* is one random quantity of a subject (one parameter's eta, its
/// weight), fixed by what it is and not by the order options were given:
/// adding variability on one parameter does not change the draws of another.
public enum CounterRandom {
  static let seedKey: UInt64 = 0x9E37_79B9_7F4A_7C15
  static let subjectKey: UInt64 = 0xD1B5_4A32_D192_ED03
  static let streamKey: UInt64 = 0xAEF1_7502_108E_F2D9

  /// The SplitMix64 output function: a bijective 64-bit mixer.
  @inlinable
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// 64 random bits for the key `(seed, subject, stream)`.
  public static func bits(seed: UInt64, subject: UInt64, stream: UInt64) -> UInt64 {
    let z1 = mix(seed ^ seedKey)
    let z2 = mix(z1 ^ (subject &* subjectKey))
    return mix(z2 ^ (stream &* streamKey))
  }

  /// A uniform number in the open interval (0, 1): `(⌊bits/2¹¹⌋ + ½)·2⁻⁵³`,
  /// the midpoints of a 2⁻⁵³ grid, so never 0 or 1.
  public static func uniform(seed: UInt64, subject: UInt64, stream: UInt64) -> Double {
    (Double(bits(seed: seed, subject: subject, stream: stream) >> 11) + 0.5) * 0x1p-53
  }

  /// A standard normal number, `Φ⁻¹(u)` of ``uniform(seed:subject:stream:)``
  /// (one uniform per normal, by inversion: no rejection, no pairing).
  public static func normal(seed: UInt64, subject: UInt64, stream: UInt64) -> Double {
    StandardNormal.quantile(uniform(seed: seed, subject: subject, stream: stream))
  }
}
