import Foundation
import Testing

@testable @_spi(Benchmarks) import KetasimCore

// The bands' fast path: percentiles found from counts in predicted brackets of bins must be the whole
// histogram's, bit for bit (the bands CSV, its shards and its merges must not depend on which path ran), and the
// C scans must count like a plain loop on every instruction set.

@Suite("Bands from predicted brackets")
struct BandRowBuilderTests {
  /// The bands scan's counts, written as plain loops over the values (bins by their keys).
  static func referenceCounts(
    _ values: ArraySlice<Double>, thresholds: [Double], lowKeys: [UInt32], spans: [Int64], offsets: [Int64]
  ) -> BandCounts {
    var counts = BandCounts()
    counts.zeros = Int64(values.count { $0 <= 0 })
    counts.below = lowKeys.map { key in
      Int64(values.count { $0 < ConcentrationHistogram.lowEdge(key) })
    }
    counts.underHigh = zip(lowKeys, spans).map { key, span in
      Int64(values.count { $0 < ConcentrationHistogram.lowEdge(key + UInt32(span)) })
    }
    counts.above = thresholds.map { level in Int64(values.count { $0 > level }) }
    counts.bins = [Int64](repeating: 0, count: Int(spans.reduce(0, +)))
    for value in values where value > 0 {
      let key = Int64(ConcentrationHistogram.key(value))
      for b in lowKeys.indices where key >= Int64(lowKeys[b]) && key < Int64(lowKeys[b]) + spans[b] {
        counts.bins[Int(offsets[b] + key - Int64(lowKeys[b]))] += 1
      }
    }
    return counts
  }

  /// Values with zeros, negatives, tiny and huge positives (no −0.0: the lanes' copies never give one).
  static func mixedValues(_ count: Int, seed: UInt64) -> [Double] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { i -> Double in
      switch i % 9 {
      case 0: 0
      case 1: -rng.uniform(0...10)
      case 2: rng.logUniform(1e-300...1e-290)
      default: rng.logUniform(1e-3...1e6)
      }
    }
  }

  @Test(
    "the bands scan counts and bins like plain loops on every supported set, scaled or not, in the common shapes (≤ 3 brackets, ≤ 4 thresholds) and the others",
    arguments: [(0, 0), (1, 0), (3, 4), (2, 1), (4, 4), (3, 5), (6, 6)])
  func bandScan(brackets: Int, thresholdCount: Int) {
    let raw = Self.mixedValues(1001, seed: 77)
    var rng = SplitMix64(seed: UInt64(10 * brackets + thresholdCount))
    // Scales like 1000/V1 (ng/mL per mg of a lane's central amount): the scan must count value × scale.
    let scales = raw.indices.map { _ in rng.uniform(20...200) }
    var bracketSet = BandBrackets()
    for _ in 0..<brackets {
      let centre = Int(ConcentrationHistogram.key(rng.logUniform(1e-2...1e5)))
      bracketSet.append((centre - rng.integer(0...40))...(centre + rng.integer(0...40)))
    }
    let thresholds = (0..<thresholdCount).map { _ in rng.logUniform(1e-1...1e4) }
    for scaled in [false, true] {
      let values = scaled ? zip(raw, scales).map { $0 * $1 + 0.0 } : raw
      for count in [0, 1, 7, 8, 9, 1001] {
        let reference = Self.referenceCounts(
          values[..<count], thresholds: thresholds, lowKeys: bracketSet.lowKeys, spans: bracketSet.spans,
          offsets: bracketSet.offsets)
        if count == 1001 && brackets > 0 {
          #expect(reference.bins.reduce(0, +) > 0, "values fall inside the brackets")
        }
        for set in InstructionSet.supported {
          var counts = BandCounts()
          counts.reset(for: bracketSet, thresholds: thresholdCount)
          // Counts are added to what is there: scanning two halves gives the whole.
          let half = count / 2
          if scaled {
            KernelWorkspace.scanBands(
              raw, scales: scales, count: half, thresholds: thresholds, brackets: bracketSet, into: &counts,
              instructionSet: set)
            KernelWorkspace.scanBands(
              Array(raw[half...]), scales: Array(scales[half...]), count: count - half, thresholds: thresholds,
              brackets: bracketSet, into: &counts, instructionSet: set)
          } else {
            KernelWorkspace.scanBands(
              values, count: half, thresholds: thresholds, brackets: bracketSet, into: &counts, instructionSet: set)
            KernelWorkspace.scanBands(
              Array(values[half...]), count: count - half, thresholds: thresholds, brackets: bracketSet,
              into: &counts, instructionSet: set)
          }
          let label = "\(set), \(count) values, scaled \(scaled)"
          #expect(counts.zeros == reference.zeros, "\(label)")
          #expect(counts.below == reference.below, "\(label)")
          #expect(counts.underHigh == reference.underHigh, "\(label)")
          #expect(counts.above == reference.above, "\(label)")
          #expect(counts.bins == reference.bins, "\(label)")
        }
      }
    }
  }

  @Test("the value range is the smallest and largest value")
  func valueRange() {
    let values = Self.mixedValues(1001, seed: 5)
    for count in [0, 1, 2, 1001] {
      let range = KernelWorkspace.valueRange(values, count: count)
      #expect(range.minimum == (values[..<count].min() ?? .infinity))
      #expect(range.maximum == (values[..<count].max() ?? -.infinity))
    }
  }

  @Test("brackets predicted ahead follow a steady move and widen with the distance")
  func predictionsAhead() {
    // A percentile falling 3 bins per time: k times ahead the bracket is centred 3k bins lower.
    let recent = [1000, 997, 994, 991]
    for ahead in 1...20 {
      let bracket = BandRowBuilder.bracket(recent: recent, ahead: ahead)
      let centre = (bracket.lowerBound + bracket.upperBound) / 2
      #expect(centre == 991 - 3 * ahead, "\(ahead) ahead")
      #expect(bracket.count >= 9 + 3 * ahead, "\(ahead) ahead: half a move per time on each side, at least")
    }
    // One bin found: ±16 around it, wider further ahead.
    #expect(BandRowBuilder.bracket(recent: [500], ahead: 1) == 484...516)
    #expect(BandRowBuilder.bracket(recent: [500], ahead: 3).count > 33)
  }

  /// The whole histogram's percentiles and fractions, as ``BandTable`` computes them.
  static func histogramRow(_ values: [Double], percents: [Double], thresholds: [Double]) -> [Double] {
    var builder = HistogramBuilder()
    var histogram = ConcentrationHistogram()
    builder.build(values, count: values.count, thresholds: thresholds, into: &histogram)
    var row: [Double] = []
    histogram.appendQuantiles(percents, to: &row)
    for index in thresholds.indices { row.append(histogram.fractionAbove(index)) }
    return row
  }

  @Test(
    "rows from brackets equal the whole histogram's, bit for bit, over rising, falling and jumping populations",
    arguments: [[5, 50, 95], [0, 1, 25, 50, 75, 99, 100], [50], [2.5, 97.5]])
  func rowsEqualHistogram(percents: [Double]) {
    let thresholds: [Double] = [100, 160, 640, 1000]
    var builder = BandRowBuilder(percents: percents, thresholds: thresholds)
    var rng = SplitMix64(seed: 2026)
    // 997 subjects, each a log-normal factor on a common curve: zero (before the dose), a rise, an exponential
    // fall, a jump (a second dose), a fall again; some subjects stay at zero throughout.
    let factors = (0..<997).map { _ in rng.logUniform(0.3...3) }
    let rising: [Double] = (1...40).map { 12.0 * Double($0) }
    let falling: [Double] = (1...60).map { 480 * exp(-0.05 * Double($0)) }
    let fallingAgain: [Double] = (1...30).map { 860 * exp(-0.2 * Double($0)) }
    let levels: [Double] = [0, 0] + rising + falling + [900, 880] + fallingAgain
    var times = 0
    for level in levels {
      let values = factors.enumerated().map { index, factor in index % 50 == 0 ? 0 : level * factor }
      var row: [Double] = []
      builder.append(values, count: values.count, fractions: true, to: &row)
      let expected = Self.histogramRow(values, percents: percents, thresholds: thresholds)
      #expect(row.map(\.bitPattern) == expected.map(\.bitPattern), "level \(level)")
      times += 1
    }
    // The predictions hold on the smooth stretches: the whole histogram is built at the first times, the jump
    // and the odd sharp turn, not at most times.
    #expect(builder.fallbacks < times / 5, "\(builder.fallbacks) of \(times) times needed the whole histogram")
  }

  @Test(
    "small and odd populations (1-40 values, no zeros, all ≤ 0, one value) equal the whole histogram",
    arguments: propertySeeds)
  func smallPopulations(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let percents: [Double] = [0, 5, 50, 95, 100]
    let thresholds: [Double] = [1, 100]
    var builder = BandRowBuilder(percents: percents, thresholds: thresholds)
    var base = rng.logUniform(1...1000)
    for time in 0..<400 {
      let n = rng.integer(1...40)
      // Stretches of 100 times, so that the brackets' predictions hold and are what is tested.
      let kind = time / 100
      base *= rng.uniform(0.98...1.02)
      let values = (0..<n).map { _ -> Double in
        switch kind {
        case 0: -rng.uniform(0...5)  // all ≤ 0
        case 1: base * rng.uniform(0.9...1.1)  // drifting, no zeros
        default: rng.integer(0...3) == 0 ? 0 : base * rng.uniform(0.5...2)
        }
      }
      var row: [Double] = []
      builder.append(values, count: n, fractions: true, to: &row)
      let expected = Self.histogramRow(values, percents: percents, thresholds: thresholds)
      #expect(row.map(\.bitPattern) == expected.map(\.bitPattern), "time \(time), \(n) values")
    }
    // Small random populations move their ranks a lot: the brackets must still serve a good part of the times.
    #expect(builder.fallbacks < 350, "\(builder.fallbacks) of 400 times needed the whole histogram")
  }

  @Test("a row without fractions has only the percentiles; equal values give their value")
  func withoutFractions() {
    var builder = BandRowBuilder(percents: [5, 50, 95], thresholds: [100])
    for _ in 0..<3 {
      var row: [Double] = [-1]
      builder.append(Array(repeating: 123.456, count: 64), count: 64, fractions: false, to: &row)
      #expect(row == [-1, 123.456, 123.456, 123.456])
    }
  }

  /// A population run of clements250 (or Perez-Ruixo's S-ketamine and S-norketamine model with the dissociation
  /// endpoint) with a series of doses.
  static func simulation(
    model id: String, subjects: Int, threads: Int, blockSize: Int = PopulationSimulation.defaultBlockSize
  ) throws -> PopulationSimulation {
    let catalog = try ModelCatalog.builtIn()
    let model = try catalog.model(id: id)
    let omegas: [PopulationParameter: Double] =
      id == "clements250"
      ? [.cl: 0.3, .v1: 0.3] : [PopulationParameter(rawValue: "VC"): 0.3, PopulationParameter(rawValue: "CLN"): 0.3]
    var simulation = try PopulationSimulation(
      design: PopulationDesign(
        model: model, ke0Override: id == "clements250" ? 0.3 : nil,
        variability: BetweenSubjectVariability(omegas: omegas, source: .given),
        covariates: .fixed(try Patient(weightKilograms: 70)), seed: 11),
      totalSubjects: subjects, grid: try TimeGrid(end: minutes(24 * 60), step: .minutes(2)),
      thresholds: catalog.thresholds.defaults, percentiles: PercentileList([5, 50, 95]), doses: "test",
      threads: threads
    ) { _ in
      try schedule(
        infusion(totalMilligrams: 35, fromMinutes: 30, overMinutes: 40),
        infusion(totalMilligrams: 20, fromMinutes: 600, overMinutes: 10),
        infusion(totalMilligrams: 35, fromMinutes: 720, overMinutes: 240))
    }
    simulation.blockSize = blockSize
    return simulation
  }

  @Test(
    "a population's band rows equal the rows of its histograms, whatever the threads and blocks",
    arguments: ["clements250", "perezruixo2021"])
  func populationRows(model: String) throws {
    let reference = try Self.simulation(model: model, subjects: 301, threads: 1)
    var expected: [[Double]] = []
    let table = BandTable(layout: reference.layout)
    try reference.streamHistograms { _, time, histograms in
      expected.append(table.row(time: time, histograms: histograms))
    }
    #expect(expected.count == 721)
    for (threads, blockSize) in [(1, 1 << 16), (2, 1 << 16), (2, 100)] {
      let simulation = try Self.simulation(model: model, subjects: 301, threads: threads, blockSize: blockSize)
      var rows: [[Double]] = []
      try simulation.streamBandRows { rows.append($0) }
      #expect(
        rows.map { $0.map(\.bitPattern) } == expected.map { $0.map(\.bitPattern) },
        "\(threads) threads, blocks of \(blockSize)")
    }
  }
}
