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
  /// Where ``auto`` picks BLAS it runs the blocked formulation instead:
  /// several steps per `cblas_dgemm` (see
  /// ``choice(states:lanes:perLaneParameters:instructionSet:)``).
  case blas
  /// Plain scalar C loop, lane by lane: the reference the others are
  /// tested against.
  case scalar

  /// The concrete kernel for a problem, by the measured crossover (see
  /// ``choice(states:lanes:perLaneParameters:instructionSet:)``).
  public func resolved(
    states: Int, lanes: Int, perLaneParameters: Bool, instructionSet: InstructionSet = .selected
  ) -> Kernel {
    choice(states: states, lanes: lanes, perLaneParameters: perLaneParameters, instructionSet: instructionSet).kernel
  }

  /// The kernel and, for BLAS, its formulation: the crossover rule, in one
  /// place.
  ///
  /// A concrete kernel is kept as it is (``blas`` is one `cblas_dgemm` per
  /// step: `blasBlock` 0). ``auto`` follows the figures measured with
  /// `Benchmarks/KernelCrossover` (`Benchmarks/README.md`, "Kernel crossover
  /// with runtime dispatch": 2 vCPUs "AMD EPYC" with AVX-512, portable build,
  /// OpenBLAS 0.3.21 on its `Cooperlake` core, one thread; lane-steps/s):
  ///
  /// - per-lane parameters: ``tiled`` at every size and on every instruction
  ///   set; BLAS has no product to offer there (`dsbmv`, 16-99× slower).
  /// - shared parameters: ``tiled`` up to ``tiledStateLimit(_:)`` states,
  ///   which depends on the tiled kernel's instruction set (AVX-512: 2-3
  ///   states 1.1-2.1× faster than the best BLAS form up to 1,000 lanes; 4
  ///   states 1.4-1.7× faster recording 3 states per step, 0.68-0.84×
  ///   recording one; AVX2: 2 states 1.2-1.5×; SSE2: never; at 10,000 lanes
  ///   the two are within the noise for 2-3 states). Above it, the blocked BLAS
  ///   formulation (several steps per `cblas_dgemm`: the recorded states at
  ///   each step, the whole state once per block), 3.6-12× faster than the
  ///   tiled kernel at 5-8 states recording one state, 2.8-3× recording 3.
  ///   Steps per product: 8 below a tile of lanes, 32 from 1,000 lanes at 5
  ///   states or more, else 16 (each the best measured or within 15 % of it).
  ///
  /// One `cblas_dgemm` per step never wins (the blocked form is 1.7-9.4×
  /// faster recording one state, 1.2-2.8× recording three, tied once where
  /// the tiled kernel wins), so ``auto`` never picks it.
  public func choice(
    states: Int, lanes: Int, perLaneParameters: Bool, instructionSet: InstructionSet = .selected
  ) -> (kernel: Kernel, blasBlock: Int) {
    guard self == .auto else { return (self, 0) }
    if perLaneParameters || states <= Self.tiledStateLimit(instructionSet) { return (.tiled, 0) }
    if lanes < KernelWorkspace.tileLanes { return (.blas, 8) }
    return (.blas, states >= 5 && lanes >= 1_000 ? 32 : 16)
  }

  /// Most states for which ``auto`` keeps a shared system on the tiled
  /// kernel's `instructionSet` version (see
  /// ``choice(states:lanes:perLaneParameters:instructionSet:)``).
  static func tiledStateLimit(_ instructionSet: InstructionSet) -> Int {
    switch instructionSet {
    case .sse2: 0
    case .avx2: 2
    case .avx512: 4
    }
  }
}
