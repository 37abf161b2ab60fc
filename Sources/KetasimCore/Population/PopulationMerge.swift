/// Combines the shard files of one population run into that run's results.
///
/// Subject rows are concatenated in subject order; per output time the
/// shards' histograms are added (counts, minima, maxima, bins), which gives
/// exactly the histogram of the whole population. The bands, subjects and
/// summary written from a merge are therefore byte-identical to those of a
/// single run with the same settings.
///
/// Read in file order: ``subjectRows(progress:)`` first, then
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
  ///   is not a shard, a shard of another run, a shard given twice, or a
  ///   missing shard.
  public init(paths: [String]) throws {
    guard !paths.isEmpty else {
      throw KetasimError.invalidValue("shard files", "none", accepted: "the shard files of one run")
    }
    var readers = try paths.map { try ShardReader(path: $0) }
    let first = readers[0]
    let count = first.header.shardCount
    for reader in readers.dropFirst() {
      guard reader.header.layout == first.header.layout, reader.header.shardCount == count else {
        throw KetasimError.invalidData(
          reader.path,
          reason: "is from a different run than \(first.path) (fingerprints \(reader.header.layout.fingerprint), "
            + "\(first.header.layout.fingerprint))", remedy: .mergeOneRun)
      }
    }
    for reader in readers {
      let header = reader.header
      guard header.shardCount >= 1, header.shard >= 1, header.shard <= header.shardCount,
        header.shardCount <= header.layout.totalSubjects, header.layout.subjectColumns.first == "subject"
      else {
        throw KetasimError.invalidData(reader.path, reason: "corrupt shard header")
      }
    }
    readers.sort { $0.header.shard < $1.header.shard }
    for (a, b) in zip(readers, readers.dropFirst()) where a.header.shard == b.header.shard {
      throw KetasimError.invalidData(b.path, reason: "repeats shard \(b.header.shard)/\(count) of \(a.path)")
    }
    let present = Set(readers.map(\.header.shard))
    let missing = (1...count).filter { !present.contains($0) }
    guard missing.isEmpty else {
      throw KetasimError.invalidData(
        first.path,
        reason: "shards \(missing.map(String.init).joined(separator: ", ")) of \(count) are missing from the merge")
    }
    let total = first.header.layout.totalSubjects
    for reader in readers {
      let expected = ShardSpec(uncheckedIndex: reader.header.shard, count: count).subjects(of: total)
      guard reader.header.firstSubject == expected.lowerBound, reader.header.subjectCount == expected.count else {
        throw KetasimError.invalidData(
          reader.path, reason: "subject range does not match shard \(reader.header.shard)/\(count)")
      }
    }
    self.readers = readers
    layout = first.header.layout
  }

  public func subjectRows(progress: (Double) -> Void = { _ in }) throws -> [[Double]] {
    precondition(!rowsRead, "subject rows are read once, before the histograms")
    rowsRead = true
    var rows: [[Double]] = []
    rows.reserveCapacity(layout.totalSubjects)
    let columns = layout.subjectColumns.count
    for index in readers.indices {
      let first = readers[index].header.firstSubject
      for offset in 0..<readers[index].header.subjectCount {
        let row = try readers[index].row(columns: columns)
        guard row[0] == Double(first + offset) else {
          throw readers[index].failure(
            "corrupt shard file (subject row \(offset + 1) is not subject \(first + offset))")
        }
        rows.append(row)
      }
      progress(Double(index + 1) / Double(readers.count))
    }
    return rows
  }

  public func streamHistograms(
    progress: (Double) -> Void = { _ in }, _ body: (Int, ClockTime, [ConcentrationHistogram]) throws -> Void
  ) throws {
    precondition(rowsRead, "read the subject rows first")
    let grid = try layout.grid()
    let sites = layout.sites.count
    let thresholds = layout.thresholdNames.count
    var merged = [ConcentrationHistogram](repeating: ConcentrationHistogram(), count: sites)
    var part = ConcentrationHistogram()
    let times = grid.count
    for timeIndex in 0..<times {
      for site in 0..<sites {
        merged[site].reset(thresholds: thresholds)
        for index in readers.indices {
          try readers[index].histogram(thresholds: thresholds, into: &part)
          merged[site].merge(part)
        }
      }
      try body(timeIndex, grid[timeIndex], merged)
      if timeIndex % 256 == 255 || timeIndex == times - 1 { progress(Double(timeIndex + 1) / Double(times)) }
    }
    for index in readers.indices { try readers[index].finish() }
  }
}
