import Dispatch
import Foundation

/// A population run, or one shard of it, ready to go: every subject of the
/// slice drawn, with its dosing schedule.
///
/// Two passes, both split over `threads` (results never depend on the
/// thread count):
///
/// 1. ``subjectRows(progress:)``: each subject's exact read-out (peak, time
///    above thresholds) from ``CurveReadout``.
/// 2. ``streamHistograms(progress:_:)``: all subjects advance together as
///    lanes of the tiled kernel (``LaneStream``), one block of output times
///    at a time; at each time the subjects' concentrations are reduced to a
///    ``ConcentrationHistogram`` per site and handed on in time order. Memory
///    is one block of outputs, never subjects × times.
public struct PopulationSimulation: Sendable {
  public let design: PopulationDesign
  public let subjectNumbers: ClosedRange<Int>
  public let grid: TimeGrid
  public let layout: PopulationLayout
  public let threads: Int
  let subjects: [VirtualSubject]
  let schedules: [DosingSchedule]
  let table: SubjectTable

  /// Most subjects one process simulates (memory is about 2 kB per subject).
  public static let largestSubjectCount = 10_000_000

  /// Draws the subjects of `shard`.
  ///
  /// - Parameters:
  ///   - totalSubjects: subjects in the whole population (all shards).
  ///   - doses: a label of the dosing (part of the fingerprint).
  ///   - schedule: the dosing schedule of a patient (mg/kg doses differ by
  ///     weight); called once per subject, on this thread.
  /// - Throws: ``KetasimError`` for a bad count, a shard with no subjects,
  ///   or subject parameters that are not a valid model.
  public init(
    design: PopulationDesign, totalSubjects: Int, shard: ShardSpec = .whole, grid: TimeGrid,
    thresholds: [NamedThreshold], percentiles: PercentileList, doses: String, threads: Int,
    schedule: (Patient) throws -> DosingSchedule
  ) throws {
    try Self.check(totalSubjects, in: Self.subjectCounts, "subjects")
    guard shard.count <= totalSubjects else {
      throw KetasimError.invalidValue(
        "shard", "\(shard.index)/\(shard.count)", accepted: "no more shards than subjects (\(totalSubjects))")
    }
    try Self.check(threads, in: Self.threadCounts, "threads")
    self.design = design
    self.grid = grid
    self.threads = threads
    subjectNumbers = shard.subjects(of: totalSubjects)
    var subjects: [VirtualSubject] = []
    var schedules: [DosingSchedule] = []
    subjects.reserveCapacity(subjectNumbers.count)
    schedules.reserveCapacity(subjectNumbers.count)
    for index in subjectNumbers {
      let subject = try design.subject(index)
      subjects.append(subject)
      schedules.append(try schedule(subject.patient))
    }
    self.subjects = subjects
    self.schedules = schedules
    let typical = try design.model.parameters(
      for: try design.covariates.patient(subject: 1, seed: design.seed),
      ke0Override: design.ke0Override)
    table = SubjectTable(typical: typical, hasAge: design.covariates.hasAge, thresholds: thresholds)
    var hash = FNV1a()
    hash.add(design.model.sourceText)
    hash.add(design.model.id)
    hash.add(design.ke0Override ?? -1)
    for parameter in PopulationParameter.allCases { hash.add(design.variability.omegas[parameter] ?? -1) }
    switch design.covariates {
    case .fixed(let patient):
      hash.add("fixed")
      hash.add(patient.weightKilograms)
      hash.add(patient.ageYears ?? -1)
    case .normalWeight(let patient, let sd):
      hash.add("normal")
      hash.add(patient.weightKilograms)
      hash.add(patient.ageYears ?? -1)
      hash.add(sd)
    case .table(let patients):
      hash.add("table")
      for patient in patients {
        hash.add(patient.weightKilograms)
        hash.add(patient.ageYears ?? -1)
      }
    }
    hash.add(String(design.seed))
    hash.add(String(totalSubjects))
    hash.add(doses)
    hash.add(String(grid.end.microseconds))
    hash.add(String(grid.step.microseconds))
    for threshold in thresholds {
      hash.add(threshold.name)
      hash.add(threshold.nanogramsPerMilliliter)
    }
    for percent in percentiles.values { hash.add(percent) }
    layout = PopulationLayout(
      fingerprint: hash.hex, model: design.model.id, variability: design.variability.label,
      covariates: design.covariates.label, doses: doses, seed: design.seed, totalSubjects: totalSubjects,
      gridEndMicroseconds: grid.end.microseconds, gridStepMicroseconds: grid.step.microseconds,
      thresholdNames: thresholds.map(\.name), thresholdValues: thresholds.map(\.nanogramsPerMilliliter),
      percentiles: percentiles, effectSite: typical.ke0 != nil, subjectColumns: table.columns,
      flagsFrom: table.flagsFrom)
  }

  /// Number of subjects in this slice.
  public var subjectCount: Int { subjects.count }

  // MARK: - Pass 1: per-subject read-out

  /// Every subject's row of the subjects table (``SubjectTable``), in
  /// subject order.
  ///
  /// - Parameter progress: called on this thread with the fraction done.
  public func subjectRows(progress: (Double) -> Void = { _ in }) -> [[Double]] {
    let batch = 256 * threads
    var rows: [[Double]] = []
    rows.reserveCapacity(subjects.count)
    var start = 0
    while start < subjects.count {
      let end = min(subjects.count, start + batch)
      let parts = Partition(range: start..<end, parts: threads)
      let boxes = parts.ranges.map { _ in RowsBox() }
      DispatchQueue.concurrentPerform(iterations: parts.ranges.count) { part in
        let box = boxes[part]
        for index in parts.ranges[part] {
          box.rows.append(
            table.row(for: subjects[index], schedule: schedules[index], end: grid.end, model: design.model))
        }
      }
      for box in boxes { rows += box.rows }
      start = end
      progress(Double(start) / Double(subjects.count))
    }
    return rows
  }

  // MARK: - Pass 2: streaming bands

  /// Runs every subject over the grid and calls `body` once per output time,
  /// in time order, with the time index, the time and one histogram per site
  /// (plasma, then the effect site).
  ///
  /// - Parameter progress: called on this thread with the fraction done.
  public func streamHistograms(
    progress: (Double) -> Void = { _ in },
    _ body: (Int, ClockTime, [ConcentrationHistogram]) throws -> Void
  ) throws {
    let lanes = subjects.count
    let tile = KernelWorkspace.tileLanes
    let laneParts = Partition(range: 0..<lanes, parts: min(threads, (lanes + tile - 1) / tile), alignment: tile)
    let sites = layout.sites.count
    let totalStride = laneParts.ranges.reduce(0) { $0 + ($1.count + tile - 1) / tile * tile }
    // About 2 M doubles (16 MB) of block output in all.
    let rowCapacity = max(1, min(256, (1 << 21) / (sites * totalStride)))
    let streams = laneParts.ranges.map { range in
      LaneStream(
        dispositions: range.map { Disposition(subjects[$0].parameters) }, schedules: Array(schedules[range]),
        grid: grid, rowCapacity: rowCapacity)
    }
    let thresholds = layout.thresholdValues
    let workers = (0..<threads).map { _ in HistogramWorker(lanes: lanes, rows: rowCapacity, sites: sites) }
    let times = grid.count
    var blockStart = 0
    var histograms = [ConcentrationHistogram](repeating: ConcentrationHistogram(), count: sites)
    while blockStart < times {
      let block = blockStart..<min(times, blockStart + rowCapacity)
      DispatchQueue.concurrentPerform(iterations: streams.count) { part in
        streams[part].advance(block)
      }
      let rowParts = Partition(range: 0..<block.count, parts: min(threads, block.count))
      DispatchQueue.concurrentPerform(iterations: rowParts.ranges.count) { part in
        let worker = workers[part]
        for row in rowParts.ranges[part] {
          for site in 0..<sites {
            var offset = 0
            for stream in streams {
              stream.copyRow(row, site: site, into: &worker.values, at: offset)
              offset += stream.lanes
            }
            worker.builder.build(
              worker.values, count: lanes, thresholds: thresholds, into: &worker.histograms[row * sites + site])
          }
        }
      }
      for part in rowParts.ranges.indices {
        for row in rowParts.ranges[part] {
          for site in 0..<sites { histograms[site] = workers[part].histograms[row * sites + site] }
          try body(block.lowerBound + row, grid[block.lowerBound + row], histograms)
        }
      }
      blockStart = block.upperBound
      progress(Double(blockStart) / Double(times))
    }
  }
}

/// Rows computed by one thread.
private final class RowsBox: @unchecked Sendable {
  var rows: [[Double]] = []
}

/// One thread's scratch for building histograms: used by one thread at a
/// time (the worker of its index), hence `@unchecked Sendable`.
private final class HistogramWorker: @unchecked Sendable {
  var values: [Double]
  var builder = HistogramBuilder()
  var histograms: [ConcentrationHistogram]

  init(lanes: Int, rows: Int, sites: Int) {
    values = [Double](repeating: 0, count: lanes)
    histograms = [ConcentrationHistogram](repeating: ConcentrationHistogram(), count: rows * sites)
  }
}

/// A range cut into contiguous parts of nearly equal size.
struct Partition {
  let ranges: [Range<Int>]

  /// - Parameter alignment: part boundaries are multiples of it (the last
  ///   part takes the rest).
  init(range: Range<Int>, parts: Int, alignment: Int = 1) {
    let units = (range.count + alignment - 1) / alignment
    let count = max(1, min(parts, units))
    var ranges: [Range<Int>] = []
    for part in 0..<count {
      let low = range.lowerBound + min(range.count, part * units / count * alignment)
      let high = range.lowerBound + min(range.count, (part + 1) * units / count * alignment)
      if high > low { ranges.append(low..<high) }
    }
    self.ranges = ranges.isEmpty ? [range] : ranges
  }
}
