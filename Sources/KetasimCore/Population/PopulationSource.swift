/// Where a population's results come from.
///
/// A run (``PopulationSimulation``) or a merge of shard files
/// (``PopulationMerge``). Both feed the same writers, so that a merge writes
/// exactly the bytes a single run writes.
public protocol PopulationSource {
  var layout: PopulationLayout { get }
  /// Calls `body` with every subject's row of the subjects table, in
  /// subject order, one at a time (never all rows at once).
  func streamSubjectRows(progress: (Double) -> Void, _ body: ([Double]) throws -> Void) throws
  /// One histogram per site for each output time, in time order.
  func streamHistograms(
    progress: (Double) -> Void, _ body: (Int, ClockTime, [ConcentrationHistogram]) throws -> Void) throws
  /// Each row of the bands CSV (``BandTable``), in time order: ``BandTable/row(time:histograms:)`` of
  /// ``streamHistograms(progress:_:)``'s histograms (a source may find the same numbers a faster way).
  func streamBandRows(progress: (Double) -> Void, _ body: ([Double]) throws -> Void) throws
  /// Whether the bands may be read without reading the subjects' rows first (a merge reads its files in
  /// order: rows, then histograms; a run computes either on its own).
  var bandsStandAlone: Bool { get }
}

extension PopulationSimulation: PopulationSource {
  public var bandsStandAlone: Bool { true }
}

extension PopulationSource {
  public var bandsStandAlone: Bool { false }

  public func streamBandRows(progress: (Double) -> Void, _ body: ([Double]) throws -> Void) throws {
    try BandTable(layout: layout).streamRows(of: self, progress: progress, body)
  }

  /// Every subject's row, collected (for tests and small runs: memory grows
  /// with the subjects).
  public func subjectRows(progress: (Double) -> Void = { _ in }) throws -> [[Double]] {
    var rows: [[Double]] = []
    try streamSubjectRows(progress: progress) { rows.append($0) }
    return rows
  }
}

/// The writers shared by single runs and merges.
package enum PopulationOutput {
  /// Writes the subjects CSV (``SubjectTable``).
  package static func writeSubjects(_ rows: [[Double]], layout: PopulationLayout, to writer: inout CSVWriter) throws {
    try writer.writeRow(layout.subjectColumns)
    for row in rows { try SubjectTable.write(row, flagsFrom: layout.flagsFrom, to: &writer) }
    try writer.flush()
  }

  /// The summary of `rows`.
  package static func summary(_ rows: [[Double]], layout: PopulationLayout) -> PopulationSummary {
    var summary = PopulationSummary(layout: layout)
    for row in rows { summary.add(row) }
    return summary
  }

  /// Streams the bands CSV (``BandTable``) of `source`, handing each row to `each` as well.
  package static func writeBands(
    _ source: some PopulationSource, to writer: inout CSVWriter, each: ([Double]) -> Void = { _ in },
    progress: (Double) -> Void = { _ in }
  ) throws {
    let table = BandTable(layout: source.layout)
    try writer.writeRow(table.columns)
    try source.streamBandRows(progress: progress) { row in
      each(row)
      try writer.writeRow(row)
    }
    try writer.flush()
  }

  /// The rows of the bands CSV (``BandTable``) of `source`, one per output time, without writing them.
  package static func bandRows(_ source: some PopulationSource, progress: (Double) -> Void = { _ in }) throws
    -> [[Double]]
  {
    var rows: [[Double]] = []
    try source.streamBandRows(progress: progress) { rows.append($0) }
    return rows
  }
}
