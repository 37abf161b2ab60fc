/// The concentration-time course of one patient as a CSV table.
///
/// Columns, units in the names: `time_min`; `rate_mg_per_h` (total infusion
/// rate in effect from that time on) and, with a syringe, `rate_ml_per_h`;
/// `cp_ng_per_ml` (plasma, the central compartment) and `ce_ng_per_ml` when
/// the model has an effect site; then for each threshold `above_NAME` (1 when
/// plasma is strictly above it, else 0) and, with an effect site,
/// `ce_above_NAME`. One row per grid time from zero to the end, inclusive,
/// or one per time of ``outputTimes`` when given (sampling times).
public struct TimeCourse {
  public let simulation: Simulation
  public let grid: TimeGrid
  public let thresholds: [NamedThreshold]
  /// Drug concentration in the syringe (mg/mL), for `rate_ml_per_h`.
  public let syringeMilligramsPerMilliliter: Double?
  /// Times to write instead of the grid's (non-decreasing), if any.
  public let outputTimes: [ClockTime]?

  public init(
    simulation: Simulation, grid: TimeGrid, thresholds: [NamedThreshold] = [],
    syringeMilligramsPerMilliliter: Double? = nil, outputTimes: [ClockTime]? = nil
  ) {
    precondition(
      outputTimes.map { zip($0, $0.dropFirst()).allSatisfy { $0 <= $1 } && ($0.first ?? .zero) >= .zero } ?? true,
      "output times must be non-negative and non-decreasing")
    self.simulation = simulation
    self.grid = grid
    self.thresholds = thresholds
    self.syringeMilligramsPerMilliliter = syringeMilligramsPerMilliliter
    self.outputTimes = outputTimes
  }

  private var hasEffectSite: Bool { simulation.disposition.effectSiteIndex != nil }

  /// Column names.
  public var header: [String] {
    var names = ["time_min", "rate_mg_per_h"]
    if syringeMilligramsPerMilliliter != nil { names.append("rate_ml_per_h") }
    names.append("cp_ng_per_ml")
    if hasEffectSite { names.append("ce_ng_per_ml") }
    names += thresholds.map { "above_\($0.name)" }
    if hasEffectSite { names += thresholds.map { "ce_above_\($0.name)" } }
    return names
  }

  /// The highest plasma concentration among the rows written.
  public struct GridPeak: Sendable, Equatable {
    public var time: ClockTime
    public var nanogramsPerMilliliter: Double
  }

  /// Writes the header and every row; returns the plasma peak on the grid.
  @discardableResult
  public func write(to writer: inout CSVWriter) throws -> GridPeak {
    let (plasma, effect) = (simulation.disposition.plasma, simulation.disposition.effectSite)
    var rows = RowWriter(self)
    try writer.writeRow(header)
    try simulation.forEachState(at: outputTimes ?? grid.times) { time, state, rate in
      try rows.write(
        time: time, rate: rate, plasma: plasma.nanogramsPerMilliliter(state),
        effect: effect?.nanogramsPerMilliliter(state), to: &writer)
    }
    try writer.flush()
    return rows.peak
  }

  /// Builds rows in the column order of ``header`` and tracks the peak.
  struct RowWriter {
    let course: TimeCourse
    var row: [Double]
    var peak = GridPeak(time: .zero, nanogramsPerMilliliter: -.infinity)

    init(_ course: TimeCourse) {
      self.course = course
      row = [Double](repeating: 0, count: course.header.count)
    }

    /// - Parameters: rate in mg/min; concentrations in ng/mL.
    mutating func write(time: ClockTime, rate: Double, plasma: Double, effect: Double?, to writer: inout CSVWriter)
      throws
    {
      var column = 0
      func put(_ value: Double) {
        row[column] = value
        column += 1
      }
      put(time.minutes)
      put(rate * 60)
      if let syringe = course.syringeMilligramsPerMilliliter { put(rate * 60 / syringe) }
      put(plasma)
      if let effect { put(effect) }
      let flags = column
      for threshold in course.thresholds { put(plasma > threshold.nanogramsPerMilliliter ? 1 : 0) }
      if let effect {
        for threshold in course.thresholds { put(effect > threshold.nanogramsPerMilliliter ? 1 : 0) }
      }
      if plasma > peak.nanogramsPerMilliliter { peak = GridPeak(time: time, nanogramsPerMilliliter: plasma) }
      try writer.writeRow(row, flagsFrom: flags)
    }
  }
}
