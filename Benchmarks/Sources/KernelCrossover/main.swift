// Kernel crossover: lane-steps per second of the tiled and BLAS kernels for
// 1-16 states and 1-100,000 lanes, shared and per-lane systems.
//
// Usage: swift run -c release KernelCrossover [--quick]
// Prints a Markdown table. Set OPENBLAS_NUM_THREADS=1 (ketasim parallelises
// above BLAS); the tool also calls openblas_set_num_threads(1).

import Foundation
@_spi(Benchmarks) import KetasimCore

struct Workload {
  let lanes: Int
  let steps: Int
  var workspace: KernelWorkspace
  let rate: [Double]
  /// Steps per kernel call; outputs go to a buffer of this many rows that is
  /// reused, as the engine does, so that it stays in cache.
  static let chunk = 256
  var record = true

  init(kernel: Kernel, states: Int, lanes: Int, perLane: Bool, steps: Int) {
    self.lanes = lanes
    self.steps = steps
    let stride = LaneCoefficients.stride(lanes: lanes)
    // A stable system: diagonally dominant with spectral radius < 1.
    var generator = SystemRandomNumberGenerator()
    let count = states * states * (perLane ? stride : 1)
    let phi = (0..<count).map { _ in Double.random(in: 0..<(0.9 / Double(states)), using: &generator) }
    let gamma = (0..<(states * (perLane ? stride : 1))).map { _ in Double.random(in: 0..<0.01, using: &generator) }
    workspace = KernelWorkspace(
      coefficients: LaneCoefficients(phi: phi, gamma: gamma), states: states, lanes: lanes, perLaneSystem: perLane,
      kernel: kernel, observed: [0], outputRows: Workload.chunk)
    rate = (0..<steps).map { $0 % 100 < 40 ? 1.0 : 0.0 }
  }

  mutating func run() {
    var done = 0
    while done < steps {
      let count = min(Workload.chunk, steps - done)
      workspace.advance(steps: count, sharedRates: rate, from: done, record: record)
      done += count
    }
  }
}

/// Median lane-steps/s over `repeats` runs of about `budget` lane-steps each.
func measure(
  _ kernel: Kernel, states: Int, lanes: Int, perLane: Bool, budget: Double, repeats: Int, record: Bool = true
) -> Double {
  let steps = max(16, min(200_000, Int(budget / Double(max(lanes, 1)))))
  var workload = Workload(kernel: kernel, states: states, lanes: lanes, perLane: perLane, steps: steps)
  workload.record = record
  workload.run()  // warm-up
  var rates: [Double] = []
  for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    workload.run()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    rates.append(Double(lanes * steps) / seconds)
  }
  return rates.sorted()[rates.count / 2]
}

KernelWorkspace.setBLASThreads(1)
let quick = CommandLine.arguments.contains("--quick")
let budget = quick ? 2e6 : 1e7
let repeats = quick ? 3 : 5
let stateCounts = quick ? [2, 4, 12] : [1, 2, 3, 4, 6, 8, 12, 16]
let laneCounts = quick ? [1, 1_000] : [1, 100, 10_000]
print(
  "OpenBLAS core: \(KernelWorkspace.blasCoreName); budget \(budget) lane-steps per run; median of \(repeats)")
print("")
print("| system | states | lanes | tiled, no output (ceiling) | tiled | blas | tiled / blas |")
print("|---|---:|---:|---:|---:|---:|---:|")
for perLane in [false, true] {
  for states in stateCounts {
    for lanes in laneCounts {
      if perLane && lanes == 1 { continue }
      let ceiling = measure(
        .tiled, states: states, lanes: lanes, perLane: perLane, budget: budget, repeats: repeats, record: false)
      let tiled = measure(.tiled, states: states, lanes: lanes, perLane: perLane, budget: budget, repeats: repeats)
      let blas = measure(.blas, states: states, lanes: lanes, perLane: perLane, budget: budget / 4, repeats: repeats)
      print(
        "| \(perLane ? "per-lane" : "shared") | \(states) | \(lanes) | "
          + String(format: "%.3g | %.3g | %.3g | %.2f |", ceiling, tiled, blas, tiled / blas))
    }
  }
}
