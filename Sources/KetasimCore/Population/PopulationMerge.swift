/// Combines the shard files of one population run into that run's results.
///
/// Subject rows are concatenated in subject order; per output time the
/// shards' histograms are added (counts, minima, maxima, bins), which gives
/// exactly the histogram of the whole population. The bands, subjects and
/// summary written from a merge are therefore byte-identical to those of a
/// single run with the same settings.
///
/// Read in file order: ``streamSubjectRows(progress:_:)`` first, then
/// ``streamHistograms(progress:_:)``, once each.
public final class PopulationMerge: PopulationSource {
  public let layout: PopulationLayout
  private var readers: [ShardReader]
  private var rowsRead = false

  /// Opens `paths` and checks that they are the complete set of shards of
  /// one run.
  ///
  /// - Throws: ``KetasimError/unreadable(_:reason:)`` for a file that cannot
  ///   be read; ``KetasimError/invalidData(_:reason:remedy:)`` for a file that
  ///   is not a shard, a shard cut short or corrupted (checksum), a shard of another run, a shard given twice, or a
  ///   missing shard.
  public init(paths: [String]) throws {
    let readers = try Self.open(paths)
    let first = readers[0]
    let count = first.header.shardCount
    let missing = Self.missing(readers)
    guard missing.isEmpty else {
      throw KetasimError.invalidData(
        first.path,
        reason: "shards \(missing.map(String.init).joined(separator: ", ")) of \(count) are missing from the merge")
    }
    self.readers = readers
    layout = first.header.layout
  }

  /// The shard numbers (1-based) of the run of `paths` that none of them
  /// holds, and the run's shard count: what to resubmit.
  ///
  /// - Throws: as ``init(paths:)``, except for missing shards.
  public static func missingShards(paths: [String]) throws -> (missing: [Int], count: Int) {
    let readers = try open(paths)
    return (missing(readers), readers[0].header.shardCount)
  }

  private static func missing(_ readers: [ShardReader]) -> [Int] {
    let present = Set(readers.map(\.header.shard))
    return (1...readers[0].header.shardCount).filter { !present.contains($0) }
  }

  /// Opens and verifies every shard (checksum, header, run identity, subject
  /// range, no repeats), sorted by shard number.
  private static func open(_ paths: [String]) throws -> [ShardReader] {
    guard !paths.isEmpty else {
      throw KetasimError.invalidValue("shard files", "none", accepted: "the shard files of one run")
    }
    var readers = try paths.map { try ShardReader(path: $0) }
    for reader in readers {
      let header = reader.header
      guard header.shardCount >= 1, header.shard >= 1, header.shard <= header.shardCount,
        header.shardCount <= header.layout.totalSubjects, header.layout.subjectColumns.first == "subject"
      else {
        throw KetasimError.invalidData(reader.path, reason: "corrupt shard header")
      }
    }
    let first = readers[0]
    let count = first.header.shardCount
    for reader in readers.dropFirst() {
      let (a, b) = (reader.header, first.header)
      guard a.layout == b.layout, a.shardCount == b.shardCount else {
        throw KetasimError.invalidData(
          reader.path,
          reason: "is from a different run than \(first.path) (\(difference(a, b)); fingerprints "
            + "\(a.layout.fingerprint), \(b.layout.fingerprint))", remedy: .mergeOneRun)
      }
    }
    readers.sort { $0.header.shard < $1.header.shard }
    for (a, b) in zip(readers, readers.dropFirst()) where a.header.shard == b.header.shard {
      throw KetasimError.invalidData(b.path, reason: "repeats shard \(b.header.shard)/\(count) of \(a.path)")
    }
    let total = first.header.layout.totalSubjects
    for reader in readers {
      let expected = ShardSpec(uncheckedIndex: reader.header.shard, count: count).subjects(of: total)
      guard reader.header.firstSubject == expected.lowerBound, reader.header.subjectCount == expected.count else {
        throw KetasimError.invalidData(
          reader.path, reason: "subject range does not match shard \(reader.header.shard)/\(count)")
      }
    }
    return readers
  }

  /// What differs between the headers of two runs, in words.
  private static func difference(_ a: PopulationShard.Header, _ b: PopulationShard.Header) -> String {
    let (x, y) = (a.layout, b.layout)
    if a.shardCount != b.shardCount { return "\(a.shardCount) shards, not \(b.shardCount)" }
    if x.seed != y.seed { return "seed \(x.seed), not \(y.seed)" }
    if x.model != y.model { return "model \(x.model), not \(y.model)" }
    if x.totalSubjects != y.totalSubjects { return "\(x.totalSubjects) subjects, not \(y.totalSubjects)" }
    if x.gridEndMicroseconds != y.gridEndMicroseconds || x.gridStepMicroseconds != y.gridStepMicroseconds {
      return "another time grid"
    }
    if x.doses != y.doses { return "doses \(x.doses), not \(y.doses)" }
    if x.variability != y.variability { return "variability \(x.variability), not \(y.variability)" }
    if x.covariates != y.covariates { return "covariates \(x.covariates), not \(y.covariates)" }
    if x.fingerprint == y.fingerprint { return "another output layout" }
    return "other settings or model file"
  }

  public func streamSubjectRows(
    progress: (Double) -> Void = { _ in }, _ body: ([Double]) throws -> Void
  ) throws {
    precondition(!rowsRead, "subject rows are read once, before the histograms")
    rowsRead = true
    let columns = layout.subjectColumns.count
    for index in readers.indices {
      let first = readers[index].header.firstSubject
      for offset in 0..<readers[index].header.subjectCount {
        let row = try readers[index].row(columns: columns)
        guard row[0] == Double(first + offset) else {
          throw readers[index].failure(
            "corrupt shard file (subject row \(offset + 1) is not subject \(first + offset))")
        }
        try body(row)
      }
      progress(Double(index + 1) / Double(readers.count))
    }
  }

  public func streamHistograms(
    progress: (Double) -> Void = { _ in }, _ body: (Int, ClockTime, [ConcentrationHistogram]) throws -> Void
  ) throws {
    precondition(rowsRead, "read the subject rows first")
    let thresholds = layout.thresholdNames.count
    try HistogramMerge.merge(
      grid: try layout.grid(), sites: layout.bandSites.count, thresholds: thresholds, sources: readers.count,
      read: { try readers[$0].histogram(thresholds: thresholds, into: &$1) }, progress: progress, body)
    for index in readers.indices { try readers[index].finish() }
  }
}
