/// Which hot-loop kernel advances lanes.
///
/// All kernels compute the same exact recursion `x ← Φx + Γu` and agree to
/// rounding (the tiled and BLAS kernels may fuse multiply-adds, so they are
/// compared with a tolerance, not `==`).
public enum Kernel: String, CaseIterable, Sendable {
  /// ``tiled`` up to ``blasCrossoverStates`` states, ``blas`` above.
  case auto
  /// Register-tiled SIMD kernel in C: 32 lanes per tile held in registers.
  case tiled
  /// OpenBLAS: one `cblas_dgemm` per step over the state-by-lanes matrix
  /// (shared parameters), or `cblas_dsbmv` products (per-lane parameters).
  case blas
  /// Plain scalar C loop, lane by lane: the reference the others are
  /// tested against.
  case scalar

  /// State count from which ``auto`` picks BLAS.
  ///
  /// Measured on the project's 2-core machine (Benchmarks/KernelCrossover):
  /// for 1–4 states, which covers every ketamine model with an effect site,
  /// the tiled kernel is 4–40× faster than one dgemm per step at every lane
  /// count from 1 to 100,000; BLAS only draws level around 12 states. No
  /// shipped model comes near that, so `auto` means tiled in practice; the
  /// rule is kept so a larger model structure would get BLAS.
  public static let blasCrossoverStates = 12

  /// The concrete kernel for a problem of `states` states.
  public func resolved(states: Int) -> Kernel {
    guard self == .auto else { return self }
    return states >= Kernel.blasCrossoverStates ? .blas : .tiled
  }
}
