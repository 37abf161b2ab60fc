/// The concentration-time course of one patient as a CSV table.
///
/// Columns, units in the names: `time_min`; `rate_mg_per_h` (total infusion
/// rate in effect from that time on) and, with a syringe, `rate_ml_per_h`;
/// one column per observation of the model (``LinearSystem/observations``):
/// `cp_ng_per_ml` (plasma, the central compartment), `ce_ng_per_ml` when
/// the model has an effect site, then a metabolite's (`nk_ng_per_ml`,
/// `nk_nmol_per_ml`, …); then for each threshold `above_NAME` (1 when
/// plasma is strictly above it, else 0) and, with an effect site,
/// `ce_above_NAME`. Effect endpoints (``endpoints``) add their effect
/// columns (`ani_index`) after the concentrations and an `ID_above_c50`
/// (or `ID_above_level`) flag after the others. One row per grid time from zero to the end, inclusive,
/// or one per time of ``outputTimes`` when given (sampling times).
public struct TimeCourse<System: LinearSystem> {
  public let simulation: ExactSimulation<System>
  public let grid: TimeGrid
  public let thresholds: [NamedThreshold]
  /// Drug concentration in the syringe (mg/mL), for `rate_ml_per_h`.
  public let syringeMilligramsPerMilliliter: Double?
  /// Times to write instead of the grid's (non-decreasing), if any.
  public let outputTimes: [ClockTime]?
  /// Effect endpoints whose sites the model observes: their effect columns and level flags.
  public var endpoints: [ScenarioSubject.Endpoint] = []

  public init(
    simulation: ExactSimulation<System>, grid: TimeGrid, thresholds: [NamedThreshold] = [],
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

  /// The model's observations, in column order.
  public var observations: [Observation] { simulation.disposition.observations }

  /// Column names.
  public var header: [String] {
    var names = ["time_min", "rate_mg_per_h"]
    if syringeMilligramsPerMilliliter != nil { names.append("rate_ml_per_h") }
    names += observations.map(\.columnName)
    names += endpoints.flatMap(\.endpoint.effectColumns)
    for observation in observations where observation.site.isParent {
      let prefix = observation.site == .plasma ? "" : "\(observation.site.rawValue)_"
      names += thresholds.map { "\(prefix)above_\($0.name)" }
    }
    names += endpoints.compactMap { endpoint in
      endpoint.level.map { "\(endpoint.endpoint.id)_above_\($0.name)" }
    }
    return names
  }

  /// Writes the header and every row; returns the plasma peak on the grid.
  ///
  /// Specialised for both engines, so that a caller in another module (the
  /// command line) runs the specialised loop, not the generic one.
  @discardableResult
  @_specialize(where System == Disposition)
  @_specialize(where System == GeneralDisposition)
  public func write(to writer: inout CSVWriter) throws -> GridPeak {
    // Plain arrays, not the observations themselves: copying one per value would retain its name.
    let observations = self.observations
    let (indices, scales) = (observations.map(\.stateIndex), observations.map(\.scale))
    var rows = RowWriter(self)
    try writer.writeRow(header)
    try simulation.forEachState(at: outputTimes ?? grid.times) { time, state, rate in
      try rows.write(time: time, rate: rate, to: &writer) { state[indices[$0]] * scales[$0] }
    }
    try writer.flush()
    return rows.peak
  }

  /// Builds rows in the column order of ``header`` and tracks the peak.
  struct RowWriter {
    let course: TimeCourse
    var row: [Double]
    /// Indices of the observations that get threshold flags (plasma, effect site).
    let flagged: [Int]
    /// Observation indices and endpoints with effect columns.
    let effects: [(index: Int, endpoint: ScenarioSubject.Endpoint)]
    /// The number of effect columns: the row loop of a run without effect endpoints never touches them.
    let effectCount: Int
    /// Observation indices and levels of the `ID_above_c50` flags.
    let leveled: [(index: Int, level: Double)]
    let count: Int
    /// The thresholds' levels (ng/mL) and the syringe strength, read once rather than through ``course`` per row.
    let thresholdLevels: [Double]
    let syringe: Double?
    var peak = GridPeak(time: .zero, nanogramsPerMilliliter: -.infinity)

    init(_ course: TimeCourse) {
      self.course = course
      let observations = course.observations
      count = observations.count
      flagged = observations.indices.filter { observations[$0].site.isParent }
      let sited = course.endpoints.compactMap { endpoint in
        observations.firstIndex { $0.site == endpoint.site }.map { (index: $0, endpoint: endpoint) }
      }
      effects = sited.filter { $0.endpoint.endpoint.link != nil }
      effectCount = effects.reduce(0) { $0 + $1.endpoint.endpoint.effectColumns.count }
      leveled = sited.compactMap { entry in entry.endpoint.level.map { (entry.index, $0.nanogramsPerMilliliter) } }
      row = [Double](repeating: 0, count: course.header.count)
      thresholdLevels = course.thresholds.map(\.nanogramsPerMilliliter)
      syringe = course.syringeMilligramsPerMilliliter
    }

    /// - Parameters: rate in mg/min; `value(k)` is observation `k` in its unit (plasma first, ng/mL).
    @inline(__always)
    mutating func write(
      time: ClockTime, rate: Double, to writer: inout CSVWriter, value: (Int) -> Double
    ) throws {
      var column = 0
      func put(_ value: Double) {
        row[column] = value
        column += 1
      }
      put(time.minutes)
      put(rate * 60)
      if let syringe { put(rate * 60 / syringe) }
      let first = column
      for k in 0..<count { put(value(k)) }
      // The effect columns (between the concentrations and the flags) are filled last, out of this loop.
      column += effectCount
      let flags = column
      for k in flagged {
        let level = row[first + k]
        for threshold in thresholdLevels { put(level > threshold ? 1 : 0) }
      }
      for (k, level) in leveled { put(row[first + k] > level ? 1 : 0) }
      if effectCount > 0 { putEffects(from: first) }
      let plasma = row[first]
      if plasma > peak.nanogramsPerMilliliter { peak = GridPeak(time: time, nanogramsPerMilliliter: plasma) }
      try writer.writeRow(row, flagsFrom: flags)
    }

    /// The effect columns, after the ``count`` concentrations that start at `first`.
    @inline(never)
    private mutating func putEffects(from first: Int) {
      var column = first + count
      for (k, endpoint) in effects {
        for effect in endpoint.effects(at: row[first + k]) {
          row[column] = effect
          column += 1
        }
      }
    }
  }
}

/// The highest plasma concentration among the rows of a ``TimeCourse``.
public struct GridPeak: Sendable, Equatable {
  public var time: ClockTime
  public var nanogramsPerMilliliter: Double
}
