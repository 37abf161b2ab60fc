/// Adds the histograms of several sources time by time: the one loop behind the bands of a run split into blocks
/// (spill files) and of a merge of shards.
enum HistogramMerge {
  /// For each time of `grid`, each of `sites` sites, reads one histogram from every one of `sources` sources in
  /// order (`read(source, &part)`, which must yield them in time-then-site order) and adds them; calls `body`
  /// with the time index, the time and the merged histogram per site, and `progress` with the fraction done
  /// every 256 times and at the end.
  static func merge(
    grid: TimeGrid, sites: Int, thresholds: Int, sources: Int,
    read: (Int, inout ConcentrationHistogram) throws -> Void,
    progress: (Double) -> Void,
    _ body: (Int, ClockTime, [ConcentrationHistogram]) throws -> Void
  ) throws {
    var merged = [ConcentrationHistogram](repeating: ConcentrationHistogram(), count: sites)
    var part = ConcentrationHistogram()
    let times = grid.count
    for timeIndex in 0..<times {
      for site in 0..<sites {
        merged[site].reset(thresholds: thresholds)
        for source in 0..<sources {
          try read(source, &part)
          merged[site].merge(part)
        }
      }
      try body(timeIndex, grid[timeIndex], merged)
      if timeIndex % 256 == 255 || timeIndex == times - 1 { progress(Double(timeIndex + 1) / Double(times)) }
    }
  }
}
