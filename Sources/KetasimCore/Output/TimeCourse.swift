/// The concentration-time course of one patient as a CSV table.
///
/// Columns, units in the names: `time_min`, `rate_mg_per_h` (total infusion
/// rate in effect from that time on), `cp_ng_per_ml` (plasma, i.e. central
/// compartment), and `ce_ng_per_ml` when the model has an effect site. One
/// row per grid time from zero to the end, inclusive.
public struct TimeCourse {
  public let simulation: Simulation
  public let grid: TimeGrid

  public init(simulation: Simulation, grid: TimeGrid) {
    self.simulation = simulation
    self.grid = grid
  }

  /// Column names.
  public var header: [String] {
    ["time_min", "rate_mg_per_h", "cp_ng_per_ml"]
      + (simulation.disposition.effectSiteIndex == nil ? [] : ["ce_ng_per_ml"])
  }

  /// The highest plasma concentration among the rows written.
  public struct GridPeak: Sendable, Equatable {
    public var time: ClockTime
    public var nanogramsPerMilliliter: Double
  }

  /// Writes the header and every row; returns the plasma peak on the grid.
  @discardableResult
  public func write(to writer: inout CSVWriter) throws -> GridPeak {
    try writer.writeRow(header)
    let toNanogramsPerMilliliter = 1000 / simulation.disposition.parameters.centralVolume
    let effect = simulation.disposition.effectSiteIndex
    var row = [Double](repeating: 0, count: header.count)
    var peak = GridPeak(time: .zero, nanogramsPerMilliliter: -.infinity)
    try simulation.forEachState(at: grid.times) { time, state, rate in
      row[0] = time.minutes
      row[1] = rate * 60
      row[2] = state[0] * toNanogramsPerMilliliter
      if let effect { row[3] = state[effect] * 1000 }
      if row[2] > peak.nanogramsPerMilliliter { peak = GridPeak(time: time, nanogramsPerMilliliter: row[2]) }
      try writer.writeRow(row)
    }
    try writer.flush()
    return peak
  }
}
