/// Which hot-loop kernel advances lanes.
///
/// All kernels compute the same exact recursion `x ← Φx + Γu` and agree to
/// rounding. The tiled kernel, on every ``InstructionSet``, gives the scalar
/// kernel's bits (no fused multiply-adds, the same order per lane); BLAS sums
/// in its own order and may fuse, so it is compared with a tolerance.
public enum Kernel: String, CaseIterable, Sendable {
  /// The faster of ``tiled`` and ``blas`` for the problem's size (see
  /// ``resolved(states:lanes:perLaneParameters:)``).
  case auto
  /// Register-tiled SIMD kernel in C: `KS_TILE_LANES` (32) lanes per tile
  /// held in registers, in the SSE2, AVX2 or AVX-512 version picked at run
  /// time (``InstructionSet``).
  case tiled
  /// OpenBLAS: one `cblas_dgemm` per step over the state-by-lanes matrix
  /// (shared parameters), or `cblas_dsbmv` products (per-lane parameters).
  case blas
  /// Plain scalar C loop, lane by lane: the reference the others are
  /// tested against.
  case scalar

  /// The concrete kernel for a problem, by the measured crossover.
  ///
  /// Measured with `Benchmarks/KernelCrossover` on the project's 2-core
  /// machine (portable SSE2 build, OpenBLAS 0.3.21, one thread;
  /// `Benchmarks/README.md` has the table):
  ///
  /// - per-lane parameters: tiled at every size (20–37× faster than the
  ///   `dsbmv` form, 1–6 states, 100–10,000 lanes);
  /// - shared parameters: tiled up to 4 states (1.3–4.5× faster than one
  ///   dgemm per step from 100 lanes up), BLAS from 5 states on, where the
  ///   tiled state no longer fits in registers (BLAS 2–2.6× faster at 6–16
  ///   states); a lone 4-state lane, which the tiled kernel pads to a
  ///   32-lane tile, also goes to BLAS (1.4× faster).
  ///
  /// The mammillary models have 1–4 states (3 compartments and an effect site); the metabolite models 3–8
  /// (perezruixo2021: 6 compartments, plus an effect site and an endpoint's), where a shared system goes to
  /// BLAS by this same measured crossover.
  public func resolved(states: Int, lanes: Int, perLaneParameters: Bool) -> Kernel {
    guard self == .auto else { return self }
    if perLaneParameters { return .tiled }
    if states >= 5 || (states == 4 && lanes < KernelWorkspace.tileLanes) { return .blas }
    return .tiled
  }
}
