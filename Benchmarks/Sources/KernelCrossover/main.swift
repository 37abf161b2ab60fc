// Kernel crossover: lane-steps per second of the tiled kernel (each
// instruction set this CPU runs) and of the BLAS kernel (one dgemm per step,
// and the blocked formulation: several steps per dgemm) for 2-8 states and
// 1-10,000 lanes, shared and per-lane systems.
//
// Usage: swift run -c release KernelCrossover [--quick] [--ceiling] [--observed N]
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

  init(
    kernel: Kernel, states: Int, lanes: Int, perLane: Bool, steps: Int, instructionSet: InstructionSet,
    blasBlock: Int
  ) {
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
      kernel: kernel, observed: (0..<min(observedCount, states)).map { Int32($0) }, outputRows: Workload.chunk,
      instructionSet: instructionSet,
      blasBlock: blasBlock)
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
  _ kernel: Kernel, states: Int, lanes: Int, perLane: Bool, budget: Double, repeats: Int, record: Bool = true,
  instructionSet: InstructionSet = .selected, blasBlock: Int = 0
) -> Double {
  let steps = max(16, min(200_000, Int(budget / Double(max(lanes, 1)))))
  var workload = Workload(
    kernel: kernel, states: states, lanes: lanes, perLane: perLane, steps: steps, instructionSet: instructionSet,
    blasBlock: blasBlock)
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
/// States recorded per step (`--observed N`, default 1: the central amount).
let observedCount =
  CommandLine.arguments.firstIndex(of: "--observed").flatMap {
    CommandLine.arguments.indices.contains($0 + 1) ? Int(CommandLine.arguments[$0 + 1]) : nil
  } ?? 1
let withCeiling = CommandLine.arguments.contains("--ceiling")
let budget = quick ? 2e6 : 1e7
let repeats = quick ? 3 : 5
let stateCounts = quick ? [2, 4, 8] : [2, 3, 4, 5, 6, 8]
let laneCounts = quick ? [1, 1_000] : [1, 100, 1_000, 10_000]
/// Steps per product tried for the blocked formulation (the best is shown).
let blocks = [4, 8, 16, 32]
let sets = InstructionSet.supported
func format(_ value: Double) -> String { String(format: "%.3g", value) }
print(
  "OpenBLAS core: \(KernelWorkspace.blasCoreName); budget \(budget) lane-steps per run; median of \(repeats); "
    + "\(observedCount) state(s) recorded per step")
print("")
let tiledColumns =
  sets.map { "tiled \($0.rawValue)" } + (withCeiling ? ["tiled \(sets.last!.rawValue), no output"] : [])
print(
  "| system | states | lanes | " + tiledColumns.joined(separator: " | ")
    + " | blas, dgemm per step | blas, blocked (steps per dgemm) | best tiled / best blas |")
print("|---|---:|---:|" + String(repeating: "---:|", count: tiledColumns.count + 3))
/// Rows of the second table: the blocked formulation by steps per dgemm.
var blockedRows: [String] = []
for perLane in [false, true] {
  for states in stateCounts {
    for lanes in laneCounts {
      if perLane && lanes == 1 { continue }
      var cells: [String] = []
      var bestTiled = 0.0
      for set in sets {
        let rate = measure(
          .tiled, states: states, lanes: lanes, perLane: perLane, budget: budget, repeats: repeats,
          instructionSet: set)
        bestTiled = max(bestTiled, rate)
        cells.append(format(rate))
      }
      if withCeiling {
        cells.append(
          format(
            measure(
              .tiled, states: states, lanes: lanes, perLane: perLane, budget: budget, repeats: repeats, record: false,
              instructionSet: sets.last!)))
      }
      let step = measure(.blas, states: states, lanes: lanes, perLane: perLane, budget: budget / 4, repeats: repeats)
      cells.append(format(step))
      var bestBLAS = step
      if perLane {
        cells.append("—")
      } else {
        var best = (rate: 0.0, block: 0)
        var byBlock: [String] = []
        for block in blocks {
          let rate = measure(
            .blas, states: states, lanes: lanes, perLane: false, budget: budget / 4, repeats: repeats,
            blasBlock: block)
          if rate > best.rate { best = (rate, block) }
          byBlock.append(format(rate))
        }
        blockedRows.append("| \(states) | \(lanes) | " + byBlock.joined(separator: " | ") + " |")
        cells.append("\(format(best.rate)) (\(best.block))")
        bestBLAS = max(bestBLAS, best.rate)
      }
      print(
        "| \(perLane ? "per-lane" : "shared") | \(states) | \(lanes) | " + cells.joined(separator: " | ")
          + String(format: " | %.2f |", bestTiled / bestBLAS))
    }
  }
}
print("")
print("Blocked formulation (shared systems) by steps per dgemm, lane-steps/s:")
print("")
print("| states | lanes | " + blocks.map { "\($0) steps" }.joined(separator: " | ") + " |")
print("|---:|---:|" + String(repeating: "---:|", count: blocks.count))
for row in blockedRows { print(row) }
