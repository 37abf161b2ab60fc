import ArgumentParser
import BenchmarkWorkloads
import CKetasimKernels

/// W5: lane-steps/s of every kernel configuration beside the compute ceiling.
struct KernelsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernels", abstract: "W5: kernel lane-steps/s beside the measured compute ceiling.")

  @Option(help: "Lanes.")
  var lanes = 1_000

  @Option(help: "Steps per run.")
  var steps = 8_640

  @Option(help: "Only configurations whose name contains this text (e.g. 'tiled 2-cmt'), or whose slug is it.")
  var filter: String?

  @Flag(help: "Skip the compute-ceiling measurement.")
  var noCeiling = false

  @OptionGroup var repetition: Repetition

  func run() throws {
    ks_blas_set_threads(1)
    var fields: [String: Any] = [
      "workload": "W5 kernels", "lanes": lanes, "steps": steps,
      "blas_core": String(cString: ks_blas_core_name()),
    ]
    if !noCeiling {
      var ceilings: [[String: Any]] = []
      for set in [ComputeCeiling.InstructionSet.build, .avx2, .avx512] {
        guard let ceiling = ComputeCeiling.measure(set) else { continue }
        ceilings.append([
          "isa": set.rawValue, "width": ceiling.width, "fused": ceiling.fused,
          "gflops": ceiling.flopsPerSecond / 1e9,
          "lane_steps_per_second_2cmt": ceiling.laneStepsPerSecond(states: 2),
          "lane_steps_per_second_3cmt": ceiling.laneStepsPerSecond(states: 3),
        ])
      }
      fields["ceilings"] = ceilings
    }
    var rows: [[String: Any]] = []
    for configuration in KernelThroughput.Configuration.all
    where filter.map({ configuration.slug == $0 || configuration.description.contains($0) }) ?? true {
      var workload = try KernelThroughput(configuration, lanes: lanes, steps: steps)
      let (checksum, series) = repetition.measure { workload.run() }
      rows.append([
        "name": configuration.description, "slug": configuration.slug, "checksum": checksum,
        "lane_steps_per_second": Double(workload.laneSteps) / series.medianCPU,
        "cpu_seconds": series.medianCPU,
      ])
    }
    fields["kernels"] = rows
    emit(fields)
  }
}
