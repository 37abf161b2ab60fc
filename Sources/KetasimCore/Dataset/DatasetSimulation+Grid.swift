import Foundation

extension DatasetSimulation {
  /// Output rows on a grid, added to each ID's own: what a pharmacometrician asks for when the dataset has only
  /// doses (mrgsolve's `end` and `delta`).
  public struct Grid: Sendable, Equatable {
    /// Time between grid rows.
    public var step: ClockTime
    /// The last grid time of every ID; nil for each ID's last record's time.
    public var end: ClockTime?
    /// Most grid rows one ID may get.
    public static let maximumRowsPerID = 1_000_000

    public init(step: ClockTime, end: ClockTime? = nil) {
      precondition(step > .zero, "a grid step is positive")
      self.step = step
      self.end = end
    }

    /// `0, step, 2·step, …` up to `end`, and `end` itself when it is not a whole number of steps (``TimeGrid``'s
    /// times; an ID whose records end within the first step gets `0` and `end`).
    ///
    /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` past ``maximumRowsPerID``.
    public func times(through end: ClockTime) throws -> [ClockTime] {
      guard end >= step else { return end == .zero ? [.zero] : [.zero, end] }
      let grid = try TimeGrid(end: end, step: step)
      guard grid.count <= Self.maximumRowsPerID else {
        throw KetasimError.invalidValue(
          "step", "\(step.minutes) min to \(end.minutes) min",
          accepted: "at most \(Self.maximumRowsPerID) grid rows per ID; a longer step or a shorter duration")
      }
      return grid.times
    }
  }

  /// The grid times of the ID whose records are `records`: to the grid's end, else to its last record's time.
  func gridTimes(_ records: [Int]) throws -> [ClockTime] {
    guard let grid else { return [] }
    let last = records.map { dataset.table.records[$0].time }.max() ?? .zero
    return try grid.times(through: grid.end ?? last)
  }

  /// A grid row's fields: the ID and `TIME` (in the dataset's unit), `EVID` 0, `AMT` 0 and `MDV` 1 (no observed
  /// value) where the dataset has those columns, and the `WT`, `AGE` and `SEX` of `covariates` (the fields of
  /// the ID's row whose covariates hold at `time`, as written); every other field empty.
  func gridFields(id: String, time: ClockTime, covariates: [String]?) -> [String] {
    var fields = [String](repeating: "", count: dataset.header.count)
    for (index, name) in dataset.header.enumerated() {
      switch name.trimmingCharacters(in: .whitespaces).uppercased() {
      case "ID": fields[index] = id
      case "TIME": fields[index] = (time.minutes / dataset.timeUnit.minutes).description
      case "EVID", "AMT": fields[index] = "0"
      case "MDV": fields[index] = "1"
      case "WT", "AGE", "SEX": fields[index] = covariates?[index] ?? ""
      default: break
      }
    }
    return fields
  }
}
