import Testing

@testable @_spi(Benchmarks) import KetasimCore

// The kernels' "per-lane rate held over the call" mode (`KS_RATE_HELD`),
// which the population path uses, against the per-step per-lane mode with
// the same rate repeated on every step: the same recursion, so the same
// numbers (tiled, BLAS and scalar alike).

@Suite("Held per-lane rates in the C kernels")
struct HeldRateKernelTests {

  /// Advances `lanes` random 3-compartment-plus-effect lanes `steps` steps
  /// with `kernel`, rates either held or repeated per step;
  /// returns the recorded observed rows.
  static func run(kernel: Kernel, held: Bool, lanes: Int, steps: Int) throws -> [Double] {
    var rng = SplitMix64(seed: 77)
    let states = 4
    let stride = LaneCoefficients.stride(lanes: lanes)
    var phi = [Double](repeating: 0, count: states * states * stride)
    var gamma = [Double](repeating: 0, count: states * stride)
    var rates = [Double](repeating: 0, count: stride)
    for lane in 0..<lanes {
      let t = Disposition(try randomParameters(compartments: 3, effectSite: true, using: &rng)).transition(
        overMinutes: 1.0 / 6)
      for i in 0..<states {
        gamma[i * stride + lane] = t.input[i]
        for j in 0..<states { phi[(i * states + j) * stride + lane] = t.phi(i, j) }
      }
      rates[lane] = rng.uniform(0...3)
    }
    var workspace = KernelWorkspace(
      coefficients: LaneCoefficients(phi: phi, gamma: gamma), states: states, lanes: lanes, perLaneSystem: true,
      kernel: kernel, observed: [0, 3], outputRows: steps)
    workspace.reserveRates(held ? .held : .perStep, steps: steps)
    for index in workspace.rates.indices { workspace.rates[index] = rates[index % stride] }
    for lane in 0..<lanes { workspace.state[lane] = rng.uniform(0...50) }
    workspace.advance(steps: steps, rates: held ? .held : .perStep, record: true)
    let output = workspace.output
    return (0..<(steps * workspace.observedCount)).flatMap { row in (0..<lanes).map { output[row * stride + $0] } }
  }

  @Test("held rates equal repeated per-step rates", arguments: [Kernel.tiled, .blas, .scalar])
  func heldEqualsRepeated(kernel: Kernel) throws {
    let held = try Self.run(kernel: kernel, held: true, lanes: 45, steps: 30)
    let repeated = try Self.run(kernel: kernel, held: false, lanes: 45, steps: 30)
    #expect(held == repeated, "\(kernel)")
    expectSeriesClose(
      held, try Self.run(kernel: .scalar, held: false, lanes: 45, steps: 30), rel: 1e-12, floor: 1e-14,
      "\(kernel) against the scalar reference")
  }
}
