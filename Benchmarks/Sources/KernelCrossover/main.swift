// Kernel crossover: lane-steps per second of the tiled and BLAS kernels for
// 1-16 states and 1-100,000 lanes, shared and per-lane systems.
//
// Usage: swift run -c release KernelCrossover [--quick]
// Prints a Markdown table. Set OPENBLAS_NUM_THREADS=1 (ketasim parallelises
// above BLAS); the tool also calls openblas_set_num_threads(1).

import CKetasimKernels
import Foundation

struct Workload {
  let states: Int
  let lanes: Int
  let stride: Int
  let perLane: Bool
  var phi: [Double]
  var gamma: [Double]
  var state: [Double]
  var work: [Double]
  var rate: [Double]
  var output: [Double]
  let steps: Int
  let observed: [Int32] = [0]
  /// Steps per kernel call; outputs go to a buffer of this many rows that is
  /// reused, as the engine does, so that it stays in cache.
  static let chunk = 256
  var record = true

  init(states: Int, lanes: Int, perLane: Bool, steps: Int) {
    self.states = states
    self.lanes = lanes
    self.perLane = perLane
    self.steps = steps
    stride = (lanes + 31) / 32 * 32
    // A stable system: diagonally dominant with spectral radius < 1.
    var generator = SystemRandomNumberGenerator()
    let count = states * states * (perLane ? stride : 1)
    phi = (0..<count).map { _ in Double.random(in: 0..<(0.9 / Double(states)), using: &generator) }
    gamma = (0..<(states * (perLane ? stride : 1))).map { _ in Double.random(in: 0..<0.01, using: &generator) }
    state = [Double](repeating: 0, count: states * stride)
    work = [Double](repeating: 0, count: 2 * (states + 1) * stride)
    rate = (0..<steps).map { $0 % 100 < 40 ? 1.0 : 0.0 }
    output = [Double](repeating: 0, count: Workload.chunk * stride)
  }

  mutating func run(_ kernel: String) {
    var done = 0
    while done < steps {
      let count = min(Workload.chunk, steps - done)
      runChunk(kernel, from: done, count: count)
      done += count
    }
  }

  mutating func runChunk(_ kernel: String, from first: Int, count: Int) {
    let observedCount: Int32 = record ? 1 : 0
    phi.withUnsafeBufferPointer { phi in
      gamma.withUnsafeBufferPointer { gamma in
        rate.withUnsafeBufferPointer { rate in
          observed.withUnsafeBufferPointer { observed in
            output.withUnsafeMutableBufferPointer { output in
              work.withUnsafeMutableBufferPointer { work in
                state.withUnsafeMutableBufferPointer { state in
                  var problem = ks_lane_problem(
                    states: Int32(states), per_lane_system: perLane ? 1 : 0, per_lane_rate: 0,
                    observed_count: observedCount, lanes: Int64(lanes), stride: Int64(stride),
                    steps: Int64(count), phi: phi.baseAddress, gamma: gamma.baseAddress,
                    rate: rate.baseAddress! + first, observed: observed.baseAddress, output: output.baseAddress)
                  if kernel == "tiled" {
                    ks_advance_tiled(&problem, state.baseAddress)
                  } else {
                    ks_advance_blas(&problem, state.baseAddress, work.baseAddress)
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

/// Median lane-steps/s over `repeats` runs of about `budget` lane-steps each.
func measure(
  _ kernel: String, states: Int, lanes: Int, perLane: Bool, budget: Double, repeats: Int, record: Bool = true
) -> Double {
  let steps = max(16, min(200_000, Int(budget / Double(max(lanes, 1)))))
  var workload = Workload(states: states, lanes: lanes, perLane: perLane, steps: steps)
  workload.record = record
  workload.run(kernel)  // warm-up
  var rates: [Double] = []
  for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    workload.run(kernel)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    rates.append(Double(lanes * steps) / seconds)
  }
  return rates.sorted()[rates.count / 2]
}

ks_blas_set_threads(1)
let quick = CommandLine.arguments.contains("--quick")
let budget = quick ? 2e6 : 1e7
let repeats = quick ? 3 : 5
let stateCounts = quick ? [2, 4, 12] : [1, 2, 3, 4, 6, 8, 12, 16]
let laneCounts = quick ? [1, 1_000] : [1, 100, 10_000]
print(
  "OpenBLAS core: \(String(cString: ks_blas_core_name())); budget \(budget) lane-steps per run; median of \(repeats)")
print("")
print("| system | states | lanes | tiled, no output (ceiling) | tiled | blas | tiled / blas |")
print("|---|---:|---:|---:|---:|---:|---:|")
for perLane in [false, true] {
  for states in stateCounts {
    for lanes in laneCounts {
      if perLane && lanes == 1 { continue }
      let ceiling = measure(
        "tiled", states: states, lanes: lanes, perLane: perLane, budget: budget, repeats: repeats, record: false)
      let tiled = measure("tiled", states: states, lanes: lanes, perLane: perLane, budget: budget, repeats: repeats)
      let blas = measure("blas", states: states, lanes: lanes, perLane: perLane, budget: budget / 4, repeats: repeats)
      print(
        "| \(perLane ? "per-lane" : "shared") | \(states) | \(lanes) | "
          + String(format: "%.3g | %.3g | %.3g | %.2f |", ceiling, tiled, blas, tiled / blas))
    }
  }
}
