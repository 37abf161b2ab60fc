import Dispatch
import Foundation

/// A population run, or one shard of it, ready to go.
///
/// Subjects are drawn, with their dosing schedules, one block of
/// ``blockSize`` at a time, so that memory is bounded by the block, not by
/// the subject count. Two passes, both split over `threads` (results never
/// depend on the thread count or the block size):
///
/// 1. ``streamSubjectRows(progress:_:)``: each subject's exact read-out
///    (peak, time above thresholds) from ``CurveReadout``, in subject order.
/// 2. ``streamHistograms(progress:_:)``: a block's subjects advance together
///    as lanes of the tiled kernel (``LaneStream``), one block of output
///    times at a time; at each time their concentrations are reduced to a
///    ``ConcentrationHistogram`` per site. With one block these are handed
///    on in time order directly. With several, each block (drawn again) has
///    its histograms written (shard encoding) to an unlinked temporary file,
///    then the blocks' histograms are added time by time, which gives
///    exactly the histogram of all subjects (the bins are fixed in advance,
///    as for shards). Memory is one block of subjects and of outputs, never
///    subjects × times; the temporary files take about
///    `blocks × times × sites × (non-empty bins) × 2` bytes of disk in the
///    system's temporary directory (`TMPDIR`), and vanish with the process
///    however it ends.
///
/// The dosing-schedule closure is called on the thread that runs a pass,
/// one subject at a time (hence `@unchecked Sendable`: it is never called
/// concurrently).
public struct PopulationSimulation: @unchecked Sendable {
  public let design: PopulationDesign
  public let subjectNumbers: ClosedRange<Int>
  public let grid: TimeGrid
  public private(set) var layout: PopulationLayout
  public let threads: Int
  let schedule: (Patient) throws -> DosingSchedule
  let table: SubjectTable
  /// Subjects drawn and simulated together (the last block may be smaller).
  public var blockSize = PopulationSimulation.defaultBlockSize
  /// Values (output times × subjects × sites) below which a block of the bands is computed on this thread alone,
  /// its parts one after the other (tests set 0 to spread every block over the threads).
  var smallestParallelBlock = PopulationSimulation.defaultSmallestParallelBlock

  /// The default ``smallestParallelBlock``, about 0.1 ms of work per thread on two.
  ///
  /// That is no more than handing it to a second thread and waking it costs. Measured on a 2-vCPU guest: 10,000
  /// subjects whose percentiles move 5-12 bins per output time, in blocks of 5-6 rows, took 0.17 s of wall time on
  /// two threads and 0.15 s on one; with these blocks on one thread, 0.15 s on two, while the blocks of 26 rows of
  /// slower percentiles still run on both (0.11 s against 0.15 s).
  static let defaultSmallestParallelBlock = 1 << 17

  /// Most subjects one process simulates.
  public static let largestSubjectCount = 10_000_000
  /// The default ``blockSize``: about 50 MB of subjects, schedules and lanes.
  public static let defaultBlockSize = 1 << 16

  /// Draws the subjects of `shard`.
  ///
  /// - Parameters:
  ///   - totalSubjects: subjects in the whole population (all shards).
  ///   - doses: a label of the dosing (part of the fingerprint).
  ///   - schedule: the dosing schedule of a patient (mg/kg doses differ by
  ///     weight); called once per subject and pass, on the thread running
  ///     the pass.
  /// - Throws: ``KetasimError`` for a bad count, a shard with no subjects,
  ///   or subject parameters that are not a valid model.
  public init(
    design: PopulationDesign, totalSubjects: Int, shard: ShardSpec = .whole, grid: TimeGrid,
    thresholds: [NamedThreshold], percentiles: PercentileList, doses: String, threads: Int,
    endpoints: [ScenarioSubject.Endpoint] = [],
    schedule: @escaping (Patient) throws -> DosingSchedule
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
    self.schedule = schedule
    // The first subject now, so that a model its draws break fails here.
    _ = try schedule(try design.subject(subjectNumbers.lowerBound).patient)
    let typical = try design.model.individual(
      for: try design.covariates.patient(subject: 1, seed: design.seed),
      ke0Override: design.ke0Override, inputFraction: design.inputFraction)
    let subjects: SubjectTable
    var metabolites: [String]?
    switch typical {
    case .mammillary(let parameters):
      subjects = SubjectTable(typical: parameters, hasAge: design.covariates.hasAge, thresholds: thresholds)
    case .general(let structure):
      // A structure the exact read-out cannot serve fails here, not subject by subject.
      _ = try GeneralDisposition(checking: structure, name: design.model.id)
      subjects = SubjectTable(
        model: design.model, typical: structure, hasAge: design.covariates.hasAge, thresholds: thresholds)
      let names = GeneralDisposition(structure).observations.filter {
        !$0.site.isParent && $0.unit == .nanogramsPerMillilitre
      }.map(\.site.rawValue)
      metabolites = names.isEmpty ? nil : names
    }
    table = subjects.adding(endpoints: endpoints)
    var hash = FNV1a()
    hash.add(design.model.sourceText)
    hash.add(design.model.id)
    hash.add(design.ke0Override ?? -1)
    if design.inputFraction != 1 { hash.add(design.inputFraction) }
    for endpoint in endpoints {
      hash.add(endpoint.endpoint.id)
      hash.add(endpoint.level?.nanogramsPerMilliliter ?? -1)
      hash.add(endpoint.endpoint.ke0PerMinute ?? -1)
    }
    for parameter in PopulationParameter.standard { hash.add(design.variability.omegas[parameter] ?? -1) }
    // A general structure's own parameters (none for the mammillary models, whose fingerprints stay as they were).
    for parameter in design.variability.parameters where !PopulationParameter.standard.contains(parameter) {
      hash.add(parameter.rawValue)
      hash.add(design.variability.omegas[parameter] ?? -1)
    }
    // Correlations (none before omega blocks existed, so earlier fingerprints stay as they were).
    for correlation in design.variability.correlations {
      hash.add("r(\(correlation.first.rawValue),\(correlation.second.rawValue))")
      hash.add(correlation.coefficient)
    }
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
      percentiles: percentiles, effectSite: design.hasEffectSite, metabolites: metabolites,
      subjectColumns: table.columns, flagsFrom: table.flagsFrom)
  }

  /// This run with the typical patient's warnings in its layout (the summary's `warnings` row, also in its
  /// shards).
  public func noting(typicalWarnings warnings: [String]) -> PopulationSimulation {
    var noted = self
    noted.layout.warnings = warnings
    return noted
  }

  /// Number of subjects in this slice.
  public var subjectCount: Int { subjectNumbers.count }

  /// The subjects of one block and their schedules.
  struct Block {
    var subjects: [VirtualSubject] = []
    var schedules: [DosingSchedule] = []

    /// The subjects' linear systems (one model for every subject).
    enum Systems {
      case mammillary([Disposition])
      case general([GeneralDisposition])
    }

    func systems() -> Systems {
      if case .mammillary = subjects.first?.individual {
        return .mammillary(
          subjects.map { subject in
            guard case .mammillary(let parameters) = subject.individual else {
              preconditionFailure("one model for every subject")
            }
            return Disposition(parameters)
          })
      }
      return .general(
        subjects.map { subject in
          guard case .general(let structure) = subject.individual else {
            preconditionFailure("one model for every subject")
          }
          return GeneralDisposition(structure)
        })
    }
  }

  /// Offsets (0-based, into ``subjectNumbers``) of each block.
  var blocks: [Range<Int>] {
    let size = max(1, blockSize)
    return Swift.stride(from: 0, to: subjectCount, by: size).map { $0..<min(subjectCount, $0 + size) }
  }

  /// Draws the subjects at `offsets`: the subjects over `threads` (each subject's draws depend on its number
  /// alone), then their schedules on this thread, in subject order.
  func draw(_ offsets: Range<Int>) throws -> Block {
    let parts = Partition(range: offsets, parts: min(threads, max(1, offsets.count / 256)))
    let drawn = parts.ranges.map { _ in DrawBox() }
    let (design, first) = (self.design, subjectNumbers.lowerBound)
    Self.perform(parts.ranges.count) { part in
      let box = drawn[part]
      do {
        box.subjects.reserveCapacity(parts.ranges[part].count)
        for offset in parts.ranges[part] { box.subjects.append(try design.subject(first + offset)) }
      } catch {
        box.error = error
      }
    }
    var block = Block()
    block.subjects.reserveCapacity(offsets.count)
    block.schedules.reserveCapacity(offsets.count)
    for box in drawn {
      if let error = box.error { throw error }
      block.subjects += box.subjects
    }
    for subject in block.subjects { block.schedules.append(try schedule(subject.patient)) }
    return block
  }

  // MARK: - Pass 1: per-subject read-out

  /// Calls `body` with every subject's row, in subject order.
  ///
  /// The rows are those of the subjects table (``SubjectTable``), computed
  /// one block of subjects at a time.
  ///
  /// - Parameter progress: called on this thread with the fraction done.
  public func streamSubjectRows(
    progress: (Double) -> Void = { _ in }, _ body: ([Double]) throws -> Void
  ) throws {
    for range in blocks {
      let block = try draw(range)
      let share = Double(range.count) / Double(subjectCount)
      let start = Double(range.lowerBound) / Double(subjectCount)
      for row in rows(of: block, progress: { progress(start + share * $0) }) { try body(row) }
    }
  }

  /// The rows of `block`, computed over `threads`.
  private func rows(of block: Block, progress: (Double) -> Void) -> [[Double]] {
    let batch = 256 * threads
    var rows: [[Double]] = []
    rows.reserveCapacity(block.subjects.count)
    var start = 0
    while start < block.subjects.count {
      let end = min(block.subjects.count, start + batch)
      let parts = Partition(range: start..<end, parts: threads)
      let boxes = parts.ranges.map { _ in RowsBox() }
      Self.perform(parts.ranges.count) { part in
        let box = boxes[part]
        for index in parts.ranges[part] {
          box.rows.append(
            table.row(
              for: block.subjects[index], schedule: block.schedules[index], end: grid.end, model: design.model))
        }
      }
      for box in boxes { rows += box.rows }
      start = end
      progress(Double(start) / Double(block.subjects.count))
    }
    return rows
  }

  /// The histograms of `block`, shard-encoded into an unlinked temporary
  /// file.
  private func spill(_ block: Block) throws -> SpillFile {
    let file = try SpillFile()
    var encoder = ShardEncoder { bytes in try file.write(bytes) }
    try streamHistograms(of: block) { _, _, histograms in
      for histogram in histograms { try encoder.histogram(histogram) }
    }
    try encoder.flush()
    return file
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
    let blocks = self.blocks
    if blocks.count == 1 {
      try streamHistograms(of: try draw(blocks[0]), progress: progress, body)
      return
    }
    // Half the progress for simulating the blocks, half for adding them.
    var files: [SpillFile] = []
    for range in blocks {
      files.append(try spill(try draw(range)))
      progress(0.5 * Double(range.upperBound) / Double(subjectCount))
    }
    var inputs = try files.map { try $0.input() }
    let thresholds = layout.thresholdValues.count
    try HistogramMerge.merge(
      grid: grid, sites: layout.bandSites.count, thresholds: thresholds, sources: inputs.count,
      read: { try inputs[$0].histogram(thresholds: thresholds, subjects: blocks[$0].count, into: &$1) },
      progress: { progress(0.5 + 0.5 * $0) }, body)
  }

  /// Calls `body` with each row of the bands CSV (``BandTable``), in time order: the same numbers as
  /// ``BandTable/row(time:histograms:)`` of ``streamHistograms(progress:_:)``'s histograms, bit for bit.
  ///
  /// A run of one block finds each percentile's bin from counts in a bracket of bins predicted from the
  /// previous output times (``BandRowBuilder``), without building the whole histogram, each thread scanning its
  /// own subjects' values where the kernel left them (``streamBands(of:progress:_:)``); a run of several blocks
  /// adds the blocks' histograms as ``streamHistograms(progress:_:)`` does.
  ///
  /// - Parameter progress: called on this thread with the fraction done.
  public func streamBandRows(progress: (Double) -> Void = { _ in }, _ body: ([Double]) throws -> Void) throws {
    let blocks = self.blocks
    guard blocks.count == 1 else {
      try BandTable(layout: layout).streamRows(of: self, progress: progress, body)
      return
    }
    try streamBands(of: try draw(blocks[0]), progress: progress, body)
  }

  /// ``streamHistograms(progress:_:)`` of the subjects of `block`.
  private func streamHistograms(
    of block: Block, progress: (Double) -> Void = { _ in },
    _ body: (Int, ClockTime, [ConcentrationHistogram]) throws -> Void
  ) throws {
    let sites = layout.bandSites.count
    var histograms = [ConcentrationHistogram](repeating: ConcentrationHistogram(), count: sites)
    try stream(block, progress: progress) { timeIndex, time, worker, row in
      for site in 0..<sites { histograms[site] = worker.histograms[row * sites + site] }
      try body(timeIndex, time, histograms)
    }
  }

  /// Runs the subjects of `block` over the grid and reduces their values at each output time to histograms;
  /// calls `body` in time order with the time index, the time, the worker that holds the result and the
  /// time's row in the worker's block of rows.
  private func stream(
    _ block: Block, progress: (Double) -> Void, _ body: (Int, ClockTime, HistogramWorker, Int) throws -> Void
  ) throws {
    switch block.systems() {
    case .mammillary(let dispositions): try stream(block, dispositions, progress: progress, body)
    case .general(let dispositions): try stream(block, dispositions, progress: progress, body)
    }
  }

  /// ``stream(_:progress:_:)`` of the subjects of `block`, whose systems are `dispositions`.
  private func stream<System: LinearSystem>(
    _ block: Block, _ dispositions: [System], progress: (Double) -> Void,
    _ body: (Int, ClockTime, HistogramWorker, Int) throws -> Void
  ) throws {
    let lanes = block.subjects.count
    let sites = layout.bandSites.count
    let parts = lanePartition(lanes: lanes)
    let totalStride = parts.ranges.reduce(0) { $0 + LaneCoefficients.stride(lanes: $1.count) }
    // About 2 M doubles (16 MB) of block output in all.
    let rowCapacity = max(1, min(256, (1 << 21) / (sites * totalStride)))
    let (layout, grid) = (self.layout, self.grid)
    let streams = laneStreams(block, dispositions, parts: parts, rowCapacity: rowCapacity)
    let workers = (0..<threads).map { _ in HistogramWorker(lanes: lanes, rows: rowCapacity, layout: layout) }
    let times = grid.count
    var blockStart = 0
    while blockStart < times {
      let block = blockStart..<min(times, blockStart + rowCapacity)
      Self.perform(streams.count) { part in streams[part].advance(block) }
      let rowParts = Partition(range: 0..<block.count, parts: min(threads, block.count))
      Self.perform(rowParts.ranges.count) { part in
        let worker = workers[part]
        for row in rowParts.ranges[part] {
          for site in 0..<sites {
            LaneStream.copyRow(row, site: site, of: streams, into: &worker.values)
            worker.reduce(row: row, site: site, lanes: lanes)
          }
        }
      }
      for part in rowParts.ranges.indices {
        for row in rowParts.ranges[part] {
          try body(block.lowerBound + row, grid[block.lowerBound + row], workers[part], row)
        }
      }
      blockStart = block.upperBound
      progress(Double(blockStart) / Double(times))
    }
  }
}

/// A temporary file that has no name: created in the temporary directory
/// and unlinked at once, so nothing is left whatever ends the process.
final class SpillFile: @unchecked Sendable {
  private let descriptor: Int32
  private let handle: FileHandle

  init() throws {
    let directory = FileManager.default.temporaryDirectory.path
    var template = Array("\(directory)/.ketasim-blocks-XXXXXX".utf8CString)
    let descriptor = mkstemp(&template)
    guard descriptor >= 0 else {
      let reason = String(cString: strerror(errno))
      throw KetasimError.cannotCreate(
        directory, reason: "cannot create a temporary file for the population's blocks: \(reason)")
    }
    _ = template.withUnsafeBufferPointer { $0.baseAddress.map { unlink($0) } }
    self.descriptor = descriptor
    handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
  }

  func write(_ bytes: [UInt8]) throws {
    do {
      try handle.write(contentsOf: bytes)
    } catch {
      throw KetasimError.writeFailed(
        FileManager.default.temporaryDirectory.path,
        reason: "could not write the population's temporary block file: \(error.localizedDescription)")
    }
  }

  /// Reading from the start (the file is not written again).
  func input() throws -> ByteInput {
    guard lseek(descriptor, 0, SEEK_SET) == 0 else {
      throw KetasimError.unreadable("temporary block file", reason: "cannot rewind it")
    }
    return ByteInput(handle: handle, path: "temporary block file", owner: self)
  }
}

extension PopulationSimulation {
  /// `body` for each of `parts`, over the threads; with one part, or `serially`, on this thread, one part after
  /// the other, without a dispatch (which costs a few allocations and a hand-over each time).
  static func perform(_ parts: Int, serially: Bool = false, _ body: @Sendable (Int) -> Void) {
    if parts == 1 || serially {
      for part in 0..<parts { body(part) }
    } else {
      DispatchQueue.concurrentPerform(iterations: parts, execute: body)
    }
  }
}

/// Subjects drawn by one thread (or the error that stopped it).
private final class DrawBox: @unchecked Sendable {
  var subjects: [VirtualSubject] = []
  var error: (any Error)?
}

/// Rows computed by one thread.
private final class RowsBox: @unchecked Sendable {
  var rows: [[Double]] = []
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
