import ArgumentParser
import KetasimCore

/// The resource limits a request is checked against before work starts.
struct LimitOptions: ParsableArguments {
  @Option(
    name: .customLong("max-rows"), parsing: .unconditional,
    help: "Largest number of CSV rows one output may have (default 20,000,000).")
  var maxRows: String?

  @Option(
    name: .customLong("max-subject-times"), parsing: .unconditional,
    help: "Largest subjects × output times of a population run (default 20,000,000,000).")
  var maxSubjectTimes: String?

  @Option(
    name: .customLong("max-memory"), parsing: .unconditional,
    help: "Largest estimated memory of a request, such as '8 GB' (default 4 GB).")
  var maxMemory: String?

  /// The limits in force.
  func limits() throws -> ResourceLimits {
    var limits = ResourceLimits()
    if let maxRows { limits.maximumRows = try Self.count(maxRows, "max-rows") }
    if let maxSubjectTimes { limits.maximumSubjectTimes = try Self.count(maxSubjectTimes, "max-subject-times") }
    if let maxMemory { limits.maximumMemoryBytes = try ResourceLimits.parseSize(maxMemory) }
    return limits
  }

  private static func count(_ text: String, _ what: String) throws -> Int {
    let value = try InputParsing.number(text.replacingOccurrences(of: ",", with: ""), what, "a positive whole number")
    guard value >= 1, value < 9e18, value == value.rounded() else {
      throw KetasimError.invalidValue(what, text, accepted: "a positive whole number")
    }
    return Int(value)
  }
}
