import ArgumentParser
import BenchmarkWorkloads
import Foundation
@_spi(Benchmarks) import KetasimCore

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

  @Flag(help: "Print a Markdown table instead of JSON.")
  var markdown = false

  @OptionGroup var repetition: Repetition

  func run() throws {
    KernelWorkspace.setBLASThreads(1)
    var ceilings: [ComputeCeiling] = []
    if !noCeiling {
      ceilings = [ComputeCeiling.InstructionSet.build, .avx2, .avx512].compactMap { ComputeCeiling.measure($0) }
    }
    var rows: [(name: String, slug: String, compartments: Int, perLane: Bool, rate: Double, checksum: Double)] = []
    for configuration in KernelThroughput.Configuration.all
    where filter.map({ configuration.slug == $0 || configuration.description.contains($0) }) ?? true {
      var workload = try KernelThroughput(configuration, lanes: lanes, steps: steps)
      let (checksum, series) = repetition.measure { workload.run() }
      rows.append(
        (
          configuration.description, configuration.slug, configuration.compartments,
          configuration.perLaneParameters, Double(workload.laneSteps) / series.medianCPU, checksum
        ))
    }
    if markdown {
      printMarkdown(ceilings: ceilings, rows: rows)
      return
    }
    emit([
      "workload": "W5 kernels", "lanes": lanes, "steps": steps, "blas_core": KernelWorkspace.blasCoreName,
      "ceilings": ceilings.map { ceiling in
        [
          "isa": ceiling.instructionSet.rawValue, "width": ceiling.width, "fused": ceiling.fused,
          "gflops": ceiling.flopsPerSecond / 1e9,
          "lane_steps_per_second_2cmt_shared": ceiling.laneStepsPerSecond(states: 2, perLaneParameters: false),
          "lane_steps_per_second_2cmt_perlane": ceiling.laneStepsPerSecond(states: 2, perLaneParameters: true),
          "lane_steps_per_second_3cmt_shared": ceiling.laneStepsPerSecond(states: 3, perLaneParameters: false),
          "lane_steps_per_second_3cmt_perlane": ceiling.laneStepsPerSecond(states: 3, perLaneParameters: true),
        ] as [String: Any]
      },
      "kernels": rows.map {
        ["name": $0.name, "slug": $0.slug, "lane_steps_per_second": $0.rate, "checksum": $0.checksum] as [String: Any]
      },
    ])
  }

  func printMarkdown(
    ceilings: [ComputeCeiling],
    rows: [(name: String, slug: String, compartments: Int, perLane: Bool, rate: Double, checksum: Double)]
  ) {
    func format(_ value: Double) -> String { String(format: "%.2e", value) }
    print("OpenBLAS core: \(KernelWorkspace.blasCoreName); \(lanes) lanes x \(steps) steps; CPU time, median")
    print("")
    if !ceilings.isEmpty {
      print(
        "| compute ceiling | doubles/vector | FMA | GFLOP/s | 2-cmt shared | 2-cmt per-lane | 3-cmt shared | 3-cmt per-lane |"
      )
      print("|---|---:|---|---:|---:|---:|---:|---:|")
      for c in ceilings {
        let cells = [(2, false), (2, true), (3, false), (3, true)].map {
          format(c.laneStepsPerSecond(states: $0.0, perLaneParameters: $0.1))
        }
        print(
          "| \(c.instructionSet.rawValue) | \(c.width) | \(c.fused ? "yes" : "no") | "
            + String(format: "%.1f", c.flopsPerSecond / 1e9) + " | " + cells.joined(separator: " | ") + " |")
      }
      print("")
    }
    let build = ceilings.first { $0.instructionSet == .build }
    print("| configuration | lane-steps/s | % of this build's ceiling |")
    print("|---|---:|---:|")
    for row in rows {
      let share = build.map {
        String(
          format: "%.0f %%",
          100 * row.rate / $0.laneStepsPerSecond(states: row.compartments, perLaneParameters: row.perLane))
      }
      print("| \(row.name) | \(format(row.rate)) | \(share ?? "") |")
    }
  }
}
