extension TimeCourse {
  /// Writes the table computed by a lane kernel instead of the exact
  /// per-event evaluation: the same columns, equal values to rounding.
  ///
  /// `.auto` uses ``Simulation`` directly, which for a single patient is the
  /// fastest path and never calls BLAS per step; `.tiled`, `.blas` and
  /// `.scalar` run the patient as one lane of a ``LaneSimulation``.
  @discardableResult
  public func write(to writer: inout CSVWriter, kernel: Kernel) throws -> GridPeak {
    guard kernel != .auto else { return try write(to: &writer) }
    let lanes = try LaneSimulation(
      dispositions: [simulation.disposition], schedules: [simulation.schedule], lanes: 1, grid: grid)
    let result = lanes.run(kernel: kernel)
    try writer.writeRow(header)
    var row = [Double](repeating: 0, count: header.count)
    var peak = GridPeak(time: .zero, nanogramsPerMilliliter: -.infinity)
    for (index, time) in result.times.enumerated() {
      row[0] = time.minutes
      row[1] = simulation.schedule.rate(after: time) * 60
      row[2] = result.central[index] * 1000
      if let effect = result.effectSite { row[3] = effect[index] * 1000 }
      if row[2] > peak.nanogramsPerMilliliter { peak = GridPeak(time: time, nanogramsPerMilliliter: row[2]) }
      try writer.writeRow(row)
    }
    try writer.flush()
    return peak
  }
}
