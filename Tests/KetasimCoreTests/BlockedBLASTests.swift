import Testing

@testable @_spi(Benchmarks) import KetasimCore

// The blocked BLAS formulation (`ks_advance_blas_blocked`: several steps'
// transitions as one product) against the scalar recursion. It sums in
// another order, so the comparison is to rounding, not bitwise.

@Suite("Blocked BLAS formulation")
struct BlockedBLASTests {
  @Test(
    "blocks of 1, 8 and 64 steps (with a remainder, and longer than the call) match the scalar kernel",
    arguments: [2, 3, 5, 8], [1, 8, 64])
  func matchesScalar(states: Int, block: Int) {
    for mode in [KernelWorkspace.RateMode.shared, .perStep, .held] {
      let reference = InstructionSetTests.run(
        kernel: .scalar, instructionSet: .sse2, states: states, perLane: false, mode: mode)
      let blocked = InstructionSetTests.run(
        kernel: .blas, instructionSet: .sse2, states: states, perLane: false, mode: mode, blasBlock: block)
      let label = Comment(rawValue: "\(states) states, block \(block), \(mode)")
      expectSeriesClose(blocked.output, reference.output, rel: 1e-12, floor: 1e-13, label)
      expectSeriesClose(blocked.state, reference.state, rel: 1e-12, floor: 1e-13, label)
    }
  }
}
