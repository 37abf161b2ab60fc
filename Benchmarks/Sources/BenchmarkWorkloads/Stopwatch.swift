import Foundation

/// Wall-clock and CPU time of one piece of work.
///
/// CPU time is the process's (`CLOCK_PROCESS_CPUTIME_ID`): on a machine
/// shared with other jobs it counts only the cycles this process got, so it
/// is the steadier figure for single-threaded work; wall-clock time includes
/// the waits for a core.
public struct Timing: Sendable {
  public var wallSeconds: Double
  public var cpuSeconds: Double

  /// Times `body`.
  public static func measure<T>(_ body: () throws -> T) rethrows -> (result: T, timing: Timing) {
    let wall0 = Timing.now(CLOCK_MONOTONIC)
    let cpu0 = Timing.now(CLOCK_PROCESS_CPUTIME_ID)
    let result = try body()
    let cpu1 = Timing.now(CLOCK_PROCESS_CPUTIME_ID)
    let wall1 = Timing.now(CLOCK_MONOTONIC)
    return (result, Timing(wallSeconds: wall1 - wall0, cpuSeconds: cpu1 - cpu0))
  }

  static func now(_ clock: clockid_t) -> Double {
    var time = timespec()
    clock_gettime(clock, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }
}

/// Repeated timings of a workload, with their medians.
public struct TimingSeries: Sendable {
  public var runs: [Timing] = []

  public init() {}

  public mutating func append(_ timing: Timing) { runs.append(timing) }

  /// Median wall-clock time (s).
  public var medianWall: Double { TimingSeries.median(runs.map(\.wallSeconds)) }
  /// Median CPU time (s).
  public var medianCPU: Double { TimingSeries.median(runs.map(\.cpuSeconds)) }

  static func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of no values")
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}

/// Peak resident memory of this process so far (MB).
///
/// Read from `VmHWM` in `/proc/self/status`, the high-water mark of this
/// program's own address space. (`ru_maxrss` is not used: Linux carries it
/// over `execve`, so a process started by a large parent, such as a Python
/// driver, reports the parent's peak.) Falls back to `ru_maxrss` where
/// `/proc` is not available.
public func peakResidentMegabytes() -> Double {
  if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
    let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
  {
    return kilobytes / 1024
  }
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}
