import CBenchmarkKernels

/// The compute ceiling of one core, measured: a tight loop of independent
/// multiply-add chains in C (`kb_ceiling.c`), with no memory traffic.
///
/// It is measured for the instruction set the build targets (baseline
/// x86-64 without `-march`: SSE2, two doubles per vector, no FMA) and for
/// the widest one this CPU has (AVX-512 or AVX2 with FMA), whatever the
/// build. Dividing the measured instruction rate by the instructions one
/// lane-step of the recursion `x ← Φx + Γu` needs (see
/// ``laneStepsPerSecond(states:perLaneParameters:)``) gives the ceiling in
/// lane-steps/s that the kernels are compared with.
public struct ComputeCeiling: Sendable {
  /// Which instruction set was measured.
  public enum InstructionSet: String, Sendable {
    case build
    case avx2
    case avx512
  }

  public var instructionSet: InstructionSet
  /// Doubles per vector and whether multiply-adds are fused.
  public var width: Int
  public var fused: Bool
  /// Lane multiply-adds per second (median of the repeats).
  public var laneMultiplyAddsPerSecond: Double

  public init(instructionSet: InstructionSet, width: Int, fused: Bool, laneMultiplyAddsPerSecond: Double) {
    self.instructionSet = instructionSet
    self.width = width
    self.fused = fused
    self.laneMultiplyAddsPerSecond = laneMultiplyAddsPerSecond
  }

  /// Lane-steps per second this rate allows for an m-state recursion.
  ///
  /// Floating-point vector instructions per lane-step: with shared
  /// parameters `Γu` is one number per step for all lanes, so Φx costs m²
  /// fused multiply-adds (2m² instructions without FMA); with per-lane
  /// parameters each state also needs its own `Γu`: m(m + 1) with FMA,
  /// m(2m + 1) without.
  public func laneStepsPerSecond(states m: Int, perLaneParameters: Bool) -> Double {
    let instructionsPerMultiplyAdd = fused ? 1.0 : 2.0
    let instructionsPerLaneStep: Int
    switch (fused, perLaneParameters) {
    case (true, false): instructionsPerLaneStep = m * m
    case (true, true): instructionsPerLaneStep = m * (m + 1)
    case (false, false): instructionsPerLaneStep = 2 * m * m
    case (false, true): instructionsPerLaneStep = m * (2 * m + 1)
    }
    return laneMultiplyAddsPerSecond * instructionsPerMultiplyAdd / Double(instructionsPerLaneStep)
  }

  /// Peak floating-point operations per second (a multiply-add is two).
  public var flopsPerSecond: Double { 2 * laneMultiplyAddsPerSecond }

  /// Measures `set` (median of `repeats` runs of about `laneMultiplyAdds`
  /// each); `nil` when this CPU lacks it.
  public static func measure(
    _ set: InstructionSet, laneMultiplyAdds: Double = 4e8, repeats: Int = 5
  ) -> ComputeCeiling? {
    let isa: kb_isa
    switch set {
    case .build: isa = KB_ISA_BUILD
    case .avx2: isa = KB_ISA_AVX2_FMA
    case .avx512: isa = KB_ISA_AVX512
    }
    guard kb_isa_supported(isa) != 0 else { return nil }
    let width = Int(kb_isa_width(isa))
    let chains = 12
    let iterations = Int64(laneMultiplyAdds / Double(width * chains))
    var sink = 0.0
    _ = kb_multiply_add_loop(isa, iterations / 10, &sink)  // warm-up
    var rates: [Double] = []
    for _ in 0..<repeats {
      let (count, timing) = Timing.measure { kb_multiply_add_loop(isa, iterations, &sink) }
      rates.append(Double(count) / timing.cpuSeconds)
    }
    precondition(sink.isFinite, "the multiply-add loop diverged")
    return ComputeCeiling(
      instructionSet: set, width: width, fused: kb_isa_fused(isa) != 0,
      laneMultiplyAddsPerSecond: TimingSeries.median(rates))
  }
}
