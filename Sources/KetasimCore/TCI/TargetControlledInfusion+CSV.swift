extension TargetControlledInfusion {
  /// The schedule's column names: `time_min`, `rate_mg_per_h`,
  /// `rate_ml_per_h` (with a syringe), `cp_ng_per_ml`, then the model's
  /// other observations (`ce_ng_per_ml` when it has an effect site, a
  /// metabolite's `nk_ng_per_ml` and `nk_nmol_per_ml`: shown, not
  /// targeted), `target_ng_per_ml`.
  public var csvHeader: [String] {
    var header = ["time_min", "rate_mg_per_h"]
    if pump.syringeMilligramsPerMilliliter != nil { header.append("rate_ml_per_h") }
    header += disposition.observations.map(\.columnName)
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
    let syringe = pump.syringeMilligramsPerMilliliter
    let observations = disposition.observations
    // The mammillary models' columns as they always were: amount / V1 · 1000, and the effect site's mg/L · 1000.
    let v1 = (disposition as? Disposition)?.parameters.centralVolume
    var stepIndex = 0
    try simulation.forEachState(at: rowTimes(grid: grid)) { time, state, rate in
      let perHour = time < end ? rate * 60 : 0
      var row = [time.minutes.description, perHour.description]
      if let syringe { row.append((perHour / syringe).description) }
      for observation in observations {
        let value: Double
        if let v1 {
          value = observation.site == .plasma ? state[0] / v1 * 1000 : state[observation.stateIndex] * 1000
        } else {
          value = observation.nanogramsPerMilliliter(state)
        }
        row.append(value.description)
      }
      while stepIndex < steps.count, steps[stepIndex].end <= time, steps[stepIndex].end < end { stepIndex += 1 }
      row.append(stepIndex < steps.count ? steps[stepIndex].nanogramsPerMilliliter.description : "")
      try writer.writeRow(row)
    }
    try writer.flush()
  }
}
