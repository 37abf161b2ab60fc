import ArgumentParser
import KetasimCore

/// The resource limits a request is checked against before work starts.
struct LimitOptions: ParsableArguments {
  @Option(
    name: .customLong("max-rows"), parsing: .unconditional,
    help: "Largest number of CSV rows one output may have (default 20,000,000).",
    transform: InputParsing.count("max-rows"))
  var maxRows: Int?

  @Option(
    name: .customLong("max-subject-times"), parsing: .unconditional,
    help: "Largest subjects × output times of a population run (default 20,000,000,000).",
    transform: InputParsing.count("max-subject-times"))
  var maxSubjectTimes: Int?

  @Option(
    name: .customLong("max-memory"), parsing: .unconditional,
    help: "Largest estimated memory of a request, such as '8 GB' (default 4 GB).",
    transform: { try ResourceLimits.parseSize($0) })
  var maxMemory: Int?

  /// The limits in force.
  var limits: ResourceLimits {
    var limits = ResourceLimits()
    if let maxRows { limits.maximumRows = maxRows }
    if let maxSubjectTimes { limits.maximumSubjectTimes = maxSubjectTimes }
    if let maxMemory { limits.maximumMemoryBytes = maxMemory }
    return limits
  }
}
