extension PopulationSimulation {
  /// The block's lanes cut into one part per thread, on tile boundaries.
  func lanePartition(lanes: Int) -> Partition {
    let tile = KernelWorkspace.tileLanes
    return Partition(range: 0..<lanes, parts: min(threads, (lanes + tile - 1) / tile), alignment: tile)
  }

  /// One ``LaneStream`` per part of the block's lanes, recording plasma, the effect site and the layout's other
  /// band sites.
  func laneStreams<System: LinearSystem>(
    _ block: Block, _ dispositions: [System], parts: Partition, rowCapacity: Int
  ) -> [LaneStream<System>] {
    let extraSites = Array(layout.bandSites.dropFirst(layout.sites.count))
    return parts.ranges.map { range in
      LaneStream(
        dispositions: Array(dispositions[range]), schedules: Array(block.schedules[range]), grid: grid,
        rowCapacity: rowCapacity, extraSites: extraSites)
    }
  }

  /// Runs the subjects of `block` over the grid and calls `body` with each row of the bands CSV, in time order.
  ///
  /// One thread per part of the lanes advances its lanes through a block of output times and scans each of its
  /// rows at once, while still in its cache, against brackets predicted before the block
  /// (``BandRowBuilder/predict(ahead:into:)``): the parts' counts then add up to the whole population's, and the
  /// rows are finished on this thread in time order. A row whose percentile falls outside its bracket is
  /// gathered from the parts and reduced again (``BandRowBuilder/append(_:count:fractions:to:)``). The rows are
  /// the same, bit for bit, whatever the threads.
  func streamBands(of block: Block, progress: (Double) -> Void, _ body: ([Double]) throws -> Void) throws {
    switch block.systems() {
    case .mammillary(let dispositions): try streamBands(block, dispositions, progress: progress, body)
    case .general(let dispositions): try streamBands(block, dispositions, progress: progress, body)
    }
  }

  /// ``streamBands(of:progress:_:)`` of the subjects of `block`, whose systems are `dispositions`.
  private func streamBands<System: LinearSystem>(
    _ block: Block, _ dispositions: [System], progress: (Double) -> Void, _ body: ([Double]) throws -> Void
  ) throws {
    let lanes = block.subjects.count
    let sites = layout.bandSites.count
    let parts = lanePartition(lanes: lanes)
    let widest = parts.ranges.map { LaneCoefficients.stride(lanes: $0.count) }.max() ?? 1
    // About 1 MB of each part's rows, which its thread scans while they are still in its cache.
    let rowCapacity = max(1, min(64, (1 << 17) / (sites * widest)))
    let streams = laneStreams(block, dispositions, parts: parts, rowCapacity: rowCapacity)
    let layout = self.layout
    let thresholds = layout.thresholdValues
    let fractionSites = layout.sites.count
    var builders = (0..<sites).map { _ in
      BandRowBuilder(percents: layout.percentiles.values, thresholds: thresholds)
    }
    // Row-major: one per row of the block and site.
    var brackets = [BandBrackets](repeating: BandBrackets(), count: rowCapacity * sites)
    let scans = streams.map { _ in BandScans(count: rowCapacity * sites) }
    var total = BandCounts()
    var values = [Double](repeating: 0, count: lanes)
    var row: [Double] = []
    let times = grid.count
    // Rows predicted per block: down to 2 after a block with a miss (a dose: the percentiles jump), doubled
    // after a block without, up to the capacity; and no further ahead than a percentile moving at its pace
    // travels 64 bins (a quarter in concentration), beyond which a straight line stops predicting it. When that
    // is under 4 rows (a coarse grid, a fast rise), the threads only advance the lanes through a whole block, and
    // this thread scans each row against the bracket of the time after the last one found, without waiting for
    // the threads row by row.
    var span = rowCapacity
    var blockStart = 0
    while blockStart < times {
      var event = ClockTime.limit
      for stream in streams { event = min(event, stream.nextEventTime) }
      var pace = 0.0
      for builder in builders { pace = max(pace, builder.pace) }
      let reach = pace > 0 ? max(1, Int(64 / pace)) : rowCapacity
      let ahead = reach >= 4
      let rows =
        ahead
        ? blockStart..<blockEnd(from: blockStart, span: min(span, reach), before: event)
        : blockStart..<min(times, blockStart + rowCapacity)
      let missesBefore = builders.reduce(0) { $0 + $1.misses }
      if ahead {
        for index in 0..<rows.count * sites {
          builders[index % sites].predict(ahead: index / sites + 1, into: &brackets[index])
        }
      }
      let predicted = brackets
      // A small block (a percentile moving fast, a block cut short by a dose or a miss) is not worth waking the
      // threads for: each part runs on this thread, with the same counts.
      let serial = rows.count * lanes * sites < smallestParallelBlock
      Self.perform(streams.count, serially: serial) { part in
        let (stream, scan) = (streams[part], scans[part])
        stream.advance(rows)
        guard ahead else { return }
        for index in 0..<rows.count * sites {
          let site = index % sites
          let levels = site < fractionSites ? thresholds : []
          scan.counts[index].reset(for: predicted[index], thresholds: levels.count)
          stream.scanRow(
            index / sites, site: site, thresholds: levels, brackets: predicted[index], into: &scan.counts[index])
        }
      }
      for offset in 0..<rows.count {
        row.removeAll(keepingCapacity: true)
        row.append(grid[rows.lowerBound + offset].minutes)
        for site in 0..<sites {
          let index = offset * sites + site
          let fractions = site < fractionSites
          let levels = fractions ? thresholds : []
          if ahead {
            total.reset(for: brackets[index], thresholds: levels.count)
            for scan in scans { total.add(scan.counts[index]) }
          } else {
            builders[site].predict(ahead: 1, into: &brackets[index])
            total.reset(for: brackets[index], thresholds: levels.count)
            for stream in streams {
              stream.scanRow(offset, site: site, thresholds: levels, brackets: brackets[index], into: &total)
            }
          }
          let found = builders[site].append(
            counts: total, brackets: brackets[index], count: lanes, fractions: fractions,
            range: {
              LaneStream.copyRow(offset, site: site, of: streams, into: &values)
              return KernelWorkspace.valueRange(values, count: lanes)
            }, to: &row)
          if !found {
            LaneStream.copyRow(offset, site: site, of: streams, into: &values)
            builders[site].append(values, count: lanes, fractions: fractions, to: &row)
          }
        }
        try body(row)
      }
      let missed = builders.reduce(0) { $0 + $1.misses } > missesBefore
      span = missed ? min(2, rowCapacity) : min(rowCapacity, 2 * span)
      blockStart = rows.upperBound
      progress(Double(blockStart) / Double(times))
    }
  }

  /// The end of a block of output times from `start`: at most `span` rows, ending before the first row at or
  /// after the next dose event at `event` (``ClockTime/limit`` for none), whose percentiles cannot be predicted
  /// from the rows before it, but holding at least one row.
  func blockEnd(from start: Int, span: Int, before event: ClockTime) -> Int {
    var end = min(grid.count, start + span)
    while end > start + 1 && grid[end - 1] >= event { end -= 1 }
    return end
  }
}

/// One thread's counts of its lanes for each row and site of a block of output times: used by one thread at a
/// time, hence `@unchecked Sendable`.
private final class BandScans: @unchecked Sendable {
  var counts: [BandCounts]

  init(count: Int) { counts = [BandCounts](repeating: BandCounts(), count: count) }
}
