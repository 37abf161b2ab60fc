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
    var rows = RowWriter(self)
    try writer.writeRow(header)
    for (index, time) in result.times.enumerated() {
      try rows.write(
        time: time, rate: simulation.schedule.rate(after: time), plasma: result.central[index] * 1000,
        effect: result.effectSite.map { $0[index] * 1000 }, to: &writer)
    }
    try writer.flush()
    return rows.peak
  }
}
