import Foundation

/// Observed plasma concentrations set against a population's percentile bands: the data of a visual
/// predictive check for a population run (`ketasim population --observed`).
///
/// The observations are a dataset's `DV` on its observation records (`EVID` 0, `MDV` not 1), taken as ng/mL of
/// the model's plasma concentration, at the record's `TIME`. Each is compared with the bands at its time, read by
/// straight-line interpolation between the two output times around it (the bands are percentiles of Cp at the
/// output times; a finer `--step` interpolates less). An observation outside the run's time span is not compared
/// and is counted in ``outsideTimeSpan``.
///
/// When the model describes the data, about (100 − p_high + p_low) % of the observations fall outside the
/// outermost band (10 % for the 5th-95th), half on each side. The bands show between-subject variability
/// only (no residual error), so real data scatter somewhat more.
public struct ObservedConcentrations: Sendable {
  /// Where an observation falls against the outermost band.
  public enum Position: String, Sendable {
    case below, within, above
  }

  /// One observed concentration and the bands at its time.
  public struct Point: Sendable, Equatable {
    public var id: String
    /// Minutes from the start.
    public var minutes: Double
    /// The observed `DV` (ng/mL).
    public var nanogramsPerMilliliter: Double
    /// The band percentiles (ng/mL) at ``minutes``, in the bands' percentile order.
    public var bands: [Double]
    public var position: Position
  }

  /// The bands' percentiles (percent), increasing.
  public let percents: [Double]
  /// The compared observations, in dataset order.
  public let points: [Point]
  /// Observations at times outside the run (before 0 or after its end), not compared.
  public let outsideTimeSpan: Int

  /// The observations of `dataset` against `bandRows`, rows of the bands CSV (``BandTable``: `time_min`, then
  /// the plasma percentiles of `percents`).
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` when the dataset has no `DV` column or no
  ///   observation with a numeric `DV`.
  public init(dataset: Dataset, bandRows: [[Double]], percents: [Double]) throws {
    func column(_ name: String) -> Int? {
      dataset.header.firstIndex { $0.trimmingCharacters(in: .whitespaces).uppercased() == name }
    }
    guard let dv = column("DV") else {
      throw KetasimError.invalidValue(
        "observed", dataset.file, accepted: "a dataset with a DV column (ng/mL) on its EVID 0 records")
    }
    let mdv = column("MDV")
    let times = bandRows.map { $0.first ?? .nan }
    var points: [Point] = []
    var outside = 0
    for row in dataset.rows {
      guard let index = row.record else { continue }
      let record = dataset.table.records[index]
      guard record.evid == 0,
        mdv.map({ row.fields[$0].trimmingCharacters(in: .whitespaces) != "1" }) ?? true,
        let value = Double(row.fields[dv].trimmingCharacters(in: .whitespaces)), value.isFinite
      else { continue }
      let minutes = record.time.minutes
      guard let bands = Self.interpolated(bandRows, times: times, at: minutes, count: percents.count) else {
        outside += 1
        continue
      }
      let position: Position =
        value < (bands.first ?? -.infinity) ? .below : value > (bands.last ?? .infinity) ? .above : .within
      points.append(
        Point(id: record.id, minutes: minutes, nanogramsPerMilliliter: value, bands: bands, position: position))
    }
    guard !points.isEmpty || outside > 0 else {
      throw KetasimError.invalidValue(
        "observed", dataset.file, accepted: "a dataset with numeric DV values on EVID 0 records (MDV not 1)")
    }
    self.percents = percents
    self.points = points
    outsideTimeSpan = outside
  }

  /// The `count` band values at `minutes`, straight-line between the output times around it; nil outside them.
  static func interpolated(_ rows: [[Double]], times: [Double], at minutes: Double, count: Int) -> [Double]? {
    guard let first = times.first, let last = times.last, minutes >= first, minutes <= last else { return nil }
    let low = times.firstIndex(atOrAfter: minutes)
    let after = rows[low]
    guard times[low] != minutes, low > 0 else { return Array(after[1...count]) }
    let before = rows[low - 1]
    let fraction = (minutes - times[low - 1]) / (times[low] - times[low - 1])
    return (1...count).map { before[$0] + fraction * (after[$0] - before[$0]) }
  }

  /// The CSV's columns: `ID`, `time_min`, `DV_ng_per_ml`, the bands at that time `cp_pXX_ng_per_ml`, and
  /// `position` (below, within or above the outermost band).
  public var columns: [String] {
    ["ID", "time_min", "DV_ng_per_ml"] + percents.map { "cp_\(PercentileList.label($0))_ng_per_ml" } + ["position"]
  }

  /// Writes one row per compared observation.
  public func write(to writer: inout CSVWriter) throws {
    try writer.writeRow(columns)
    for point in points {
      try writer.writeRow(
        [point.id, String(point.minutes), String(point.nanogramsPerMilliliter)] + point.bands.map { String($0) }
          + [point.position.rawValue])
    }
    try writer.flush()
  }

  /// One line for the terminal: how many observations fall outside the outermost band, against how many would
  /// if the model described the data.
  public var summaryLine: String {
    let below = points.filter { $0.position == .below }.count
    let above = points.filter { $0.position == .above }.count
    let count = Double(max(points.count, 1))
    let (low, high) = (percents.first ?? 0, percents.last ?? 100)
    func percent(_ value: Double) -> String { String(format: "%.1f %%", value) }
    var line =
      "observed: \(points.count) concentrations; \(below) below the \(PercentileList.label(low)) band "
      + "(\(percent(100 * Double(below) / count)), about \(percent(low)) expected), \(above) above the "
      + "\(PercentileList.label(high)) (\(percent(100 * Double(above) / count)), about \(percent(100 - high)) expected)"
    if outsideTimeSpan > 0 { line += "; \(outsideTimeSpan) outside the simulated time span, not compared" }
    return line + " (the bands hold between-subject variability only)"
  }
}
