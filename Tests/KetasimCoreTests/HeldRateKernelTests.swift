import CKetasimKernels
import Testing

@testable import KetasimCore

// The kernels' "per-lane rate held over the call" mode (per_lane_rate = 2),
// which the population path uses, against the per-step per-lane mode with
// the same rate repeated on every step: the same recursion, so the same
// numbers (tiled, BLAS and scalar alike).

@Suite("Held per-lane rates in the C kernels")
struct HeldRateKernelTests {

  /// Advances `lanes` random 3-compartment-plus-effect lanes `steps` steps
  /// with `kernel`, rates either held (mode 2) or repeated per step (mode 1);
  /// returns the recorded observed rows.
  static func run(kernel: Kernel, held: Bool, lanes: Int, steps: Int) throws -> [Double] {
    var rng = SplitMix64(seed: 77)
    let states = 4
    let stride = (lanes + 31) / 32 * 32
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
    let rate = held ? rates : (0..<steps).flatMap { _ in rates }
    var state = [Double](repeating: 0, count: states * stride)
    for lane in 0..<lanes { state[lane] = rng.uniform(0...50) }
    let observed: [Int32] = [0, 3]
    var output = [Double](repeating: 0, count: steps * observed.count * stride)
    var work = [Double](repeating: 0, count: 2 * (states + 1) * stride)
    phi.withUnsafeBufferPointer { phi in
      gamma.withUnsafeBufferPointer { gamma in
        rate.withUnsafeBufferPointer { rate in
          observed.withUnsafeBufferPointer { observed in
            output.withUnsafeMutableBufferPointer { output in
              state.withUnsafeMutableBufferPointer { state in
                work.withUnsafeMutableBufferPointer { work in
                  var problem = ks_lane_problem(
                    states: Int32(states), per_lane_system: 1, per_lane_rate: held ? 2 : 1, observed_count: 2,
                    lanes: Int64(lanes), stride: Int64(stride), steps: Int64(steps), phi: phi.baseAddress,
                    gamma: gamma.baseAddress, rate: rate.baseAddress, observed: observed.baseAddress,
                    output: output.baseAddress)
                  switch kernel {
                  case .tiled: ks_advance_tiled(&problem, state.baseAddress)
                  case .blas: ks_advance_blas(&problem, state.baseAddress, work.baseAddress)
                  case .scalar, .auto: ks_advance_scalar(&problem, state.baseAddress)
                  }
                }
              }
            }
          }
        }
      }
    }
    return (0..<(steps * observed.count)).flatMap { row in (0..<lanes).map { output[row * stride + $0] } }
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
