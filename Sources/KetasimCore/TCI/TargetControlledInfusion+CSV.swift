extension TargetControlledInfusion {
  /// The schedule's column names: `time_min`, `rate_mg_per_h`,
  /// `rate_ml_per_h` (with a syringe), `cp_ng_per_ml`, `ce_ng_per_ml` (when
  /// the model has an effect site), `target_ng_per_ml`.
  public var csvHeader: [String] {
    var header = ["time_min", "rate_mg_per_h"]
    if pump.syringeMilligramsPerMilliliter != nil { header.append("rate_ml_per_h") }
    header.append("cp_ng_per_ml")
    if disposition.effectSiteIndex != nil { header.append("ce_ng_per_ml") }
    header.append("target_ng_per_ml")
    return header
  }

  /// The times of the schedule's rows: every period start, every time of
  /// `grid` (when given), and the end of the run, in order.
  public func rowTimes(grid: TimeGrid? = nil) -> [ClockTime] {
    var times = Set(periods.map(\.start))
    times.insert(end)
    if let grid { for time in grid.times where time <= end { times.insert(time) } }
    return times.sorted()
  }

  /// Writes the schedule as CSV.
  ///
  /// The header, then one row per time of ``rowTimes(grid:)`` with the pump
  /// rate from that time until the next row (zero on the last row: the run
  /// ends), and the concentrations there from the exact simulation of
  /// ``schedule`` (ng/mL). The target column holds the target of the step
  /// the row's time falls in (the last row belongs to a step that runs to
  /// the end); it is empty after the last step when that ends earlier.
  public func writeSchedule(to writer: inout CSVWriter, grid: TimeGrid? = nil) throws {
    try writer.writeRow(csvHeader)
    let v1 = disposition.parameters.centralVolume
    let syringe = pump.syringeMilligramsPerMilliliter
    let effect = disposition.effectSiteIndex
    var stepIndex = 0
    try simulation.forEachState(at: rowTimes(grid: grid)) { time, state, rate in
      let perHour = time < end ? rate * 60 : 0
      var row = [time.minutes.description, perHour.description]
      if let syringe { row.append((perHour / syringe).description) }
      row.append((state[0] / v1 * 1000).description)
      if let effect { row.append((state[effect] * 1000).description) }
      while stepIndex < steps.count, steps[stepIndex].end <= time, steps[stepIndex].end < end { stepIndex += 1 }
      row.append(stepIndex < steps.count ? steps[stepIndex].nanogramsPerMilliliter.description : "")
      try writer.writeRow(row)
    }
    try writer.flush()
  }
}
