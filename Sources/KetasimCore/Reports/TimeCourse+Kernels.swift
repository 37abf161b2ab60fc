extension TimeCourse {
  /// Writes the table computed by a lane kernel instead of the exact
  /// per-event evaluation: the same columns, equal values to rounding.
  ///
  /// `.auto` uses ``Simulation`` directly, which for a single patient is the
  /// fastest path and never calls BLAS per step; `.tiled`, `.blas` and
  /// `.scalar` run the patient as one lane of a ``LaneSimulation``, which
  /// starts from zero: a simulation from a steady state is rejected.
  @discardableResult
  @_specialize(where System == Disposition)
  @_specialize(where System == GeneralDisposition)
  public func write(to writer: inout CSVWriter, kernel: Kernel) throws -> GridPeak {
    guard kernel != .auto else { return try write(to: &writer) }
    guard outputTimes == nil else {
      throw KetasimError.invalidValue(
        "kernel", kernel.rawValue, accepted: "auto with sampling times (the lane kernels step a uniform grid)")
    }
    guard simulation.initialState == .zero else {
      throw KetasimError.invalidValue(
        "kernel", kernel.rawValue, accepted: "auto for a run that starts at steady state (SS)")
    }
    let lanes = try LaneSimulation(
      dispositions: [simulation.disposition], schedules: [simulation.schedule], lanes: 1, grid: grid)
    let result = lanes.run(kernel: kernel)
    var rows = RowWriter(self)
    let factors = observations.map(\.unitFactor)
    try writer.writeRow(header)
    for (index, time) in result.times.enumerated() {
      try rows.write(time: time, rate: simulation.schedule.rate(after: time), to: &writer) {
        result.values[$0][index] * factors[$0]
      }
    }
    try writer.flush()
    return rows.peak
  }
}
