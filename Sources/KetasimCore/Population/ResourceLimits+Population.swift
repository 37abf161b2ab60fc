extension ResourceLimits {
  /// Estimated peak memory of a population run, a shard or a merge (bytes).
  ///
  /// Subjects are simulated in blocks of
  /// ``PopulationSimulation/defaultBlockSize``, so the estimate is a fixed
  /// part (the streaming bands' block of output times, the code), one block
  /// of subjects (parameters, schedules, lanes and read-out rows, about
  /// 1,100 bytes each), the summary's peaks (16 bytes per subject, the only
  /// part that grows with the subjects) and a 256 kB read buffer per block
  /// when the blocks' histograms are added. Measured (24 h at 10 s,
  /// herd2007): 102 MB at 140,000 subjects, see the README for 1,000,000.
  package static func populationMemory(subjects: Int) -> Int {
    let subjects = max(0, subjects)
    let blockSize = PopulationSimulation.defaultBlockSize
    let block = min(subjects, blockSize)
    let blocks = subjects / blockSize + 1
    let (peaks, overflow) = subjects.multipliedReportingOverflow(by: 16)
    guard !overflow else { return .max }
    return 48 << 20 + block * 1_100 + peaks + blocks * (256 << 10)
  }
}
