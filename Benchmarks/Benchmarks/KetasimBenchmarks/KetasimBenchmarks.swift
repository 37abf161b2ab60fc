import Benchmark
import BenchmarkWorkloads
import CKetasimKernels
import KetasimCore

// The package-benchmark suite: workloads W1-W5 (see Benchmarks/README.md).
//
// Each workload appears twice where it matters for CI:
// - "... (whole)": set-up and time loop, as a user run does them;
// - "... (time loop)": the time loop only, set up outside the measured
//   region; its heap allocations must be zero (Thresholds/ holds 0 for
//   mallocCountTotal, checked with an absolute tolerance of 0).
// Throughput is reported as a custom metric in the workload's own unit.

/// Custom metrics: work per second in the unit that matters.
enum Rate {
  static let laneSteps = BenchmarkMetric.custom("M lane-steps/s", polarity: .prefersLarger, useScalingFactor: false)
  static let megabytes = BenchmarkMetric.custom("CSV MB/s", polarity: .prefersLarger, useScalingFactor: false)
  static let regimens = BenchmarkMetric.custom("regimens/s", polarity: .prefersLarger, useScalingFactor: false)
}

/// Runs `body` once per scaled iteration; records the units of work it
/// returns, divided by `divisor`, per second of wall-clock time as `metric`.
func timed(_ benchmark: Benchmark, _ metric: BenchmarkMetric, divisor: Double = 1, _ body: () throws -> Double) rethrows
{
  for _ in benchmark.scaledIterations {
    let (units, timing) = try Timing.measure(body)
    benchmark.measurement(metric, Int((units / divisor / timing.wallSeconds).rounded()))
  }
}

/// A prepared workload, mutated in place: a `var` copy of a struct would
/// copy its buffers on first write, inside the measured region.
final class Prepared<Workload>: @unchecked Sendable {
  var workload: Workload
  init(_ workload: Workload) { self.workload = workload }
}

/// The default metrics plus `metric`.
func metrics(_ metric: BenchmarkMetric) -> [BenchmarkMetric] { Benchmark.defaultConfiguration.metrics + [metric] }

/// Allocations may not change at all; time-based metrics are informative
/// only (never a CI failure on a shared machine).
let exactAllocations: [BenchmarkMetric: BenchmarkThresholds] = [
  .mallocCountTotal: .init(relative: [.p90: 0], absolute: [.p90: 0])
]

let benchmarks: @Sendable () -> Void = {
  ks_blas_set_threads(1)
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
    warmupIterations: 1, maxDuration: .seconds(2), maxIterations: 20, thresholds: exactAllocations)

  // MARK: W1

  Benchmark("W1 preview 24 h at 1 s, CSV (whole)", configuration: .init(metrics: metrics(Rate.megabytes))) {
    benchmark, preview in
    try timed(benchmark, Rate.megabytes, divisor: 1e6) { Double(try preview.run().bytes) }
  } setup: {
    try Preview()
  }

  // MARK: W2

  for stepSeconds in [10.0, 1.0] {
    Benchmark(
      "W2 population summary 1000 x 24 h at \(Int(stepSeconds)) s (time loop)",
      configuration: .init(metrics: metrics(Rate.laneSteps))
    ) { benchmark, summary in
      let laneSteps = Double(summary.workload.scenario.subjects.count * summary.workload.scenario.steps)
      timed(benchmark, Rate.laneSteps, divisor: 1e6) {
        summary.workload.run()
        return laneSteps
      }
    } setup: {
      Prepared(
        try PopulationSummary(
          PopulationScenario(
            subjects: PopulationScenario.subjects(count: 1_000), stepSeconds: stepSeconds,
            thresholds: try PopulationScenario.catalogueThresholds())))
    }
  }

  // MARK: W3

  Benchmark(
    "W3 population bands 10000 x 24 h at 10 s (time loop)", configuration: .init(metrics: metrics(Rate.laneSteps))
  ) { benchmark, bands in
    let laneSteps = Double(bands.workload.scenario.subjects.count * bands.workload.scenario.steps)
    timed(benchmark, Rate.laneSteps, divisor: 1e6) {
      bands.workload.run()
      return laneSteps
    }
  } setup: {
    Prepared(
      try PopulationBands(
        PopulationScenario(
          subjects: PopulationScenario.subjects(count: 10_000), stepSeconds: 10,
          thresholds: try PopulationScenario.catalogueThresholds())))
  }

  // MARK: W4

  for method in RegimenSweep.Method.allCases {
    Benchmark(
      "W4 regimen sweep 10000 x 4 h at 1 s, \(method.rawValue) (whole)",
      configuration: .init(metrics: metrics(Rate.regimens))
    ) { benchmark, sweep in
      try timed(benchmark, Rate.regimens) { Double(try sweep.run(method).peak.count) }
    } setup: {
      try RegimenSweep()
    }
  }

  // MARK: W5

  for configuration in KernelThroughput.Configuration.all {
    Benchmark(
      "W5 kernel \(configuration) 1000 lanes (time loop)", configuration: .init(metrics: metrics(Rate.laneSteps))
    ) { benchmark, kernel in
      timed(benchmark, Rate.laneSteps, divisor: 1e6) {
        blackHole(kernel.workload.run())
        return Double(kernel.workload.laneSteps)
      }
    } setup: {
      Prepared(try KernelThroughput(configuration))
    }
  }
}
