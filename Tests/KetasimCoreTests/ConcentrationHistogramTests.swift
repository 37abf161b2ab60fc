import Foundation
import Testing

@testable import KetasimCore

// The binned percentiles against exact order statistics computed here by
// sorting, and the exactness of merging.

@Suite("Concentration histograms")
struct ConcentrationHistogramTests {

  static func histogram(_ values: [Double], thresholds: [Double] = []) -> ConcentrationHistogram {
    var builder = HistogramBuilder()
    var histogram = ConcentrationHistogram()
    builder.build(values, count: values.count, thresholds: thresholds, into: &histogram)
    return histogram
  }

  /// The exact nearest-rank percentile by sorting.
  static func nearestRank(_ values: [Double], _ percent: Double) -> Double {
    let sorted = values.sorted()
    let rank = min(max(Int((percent * Double(sorted.count) / 100).rounded(.up)), 1), sorted.count)
    return sorted[rank - 1]
  }

  @Test("percentiles are within 2⁻⁹ of the exact nearest-rank order statistic", arguments: propertySeeds)
  func percentileError(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let n = rng.integer(1...3000)
    let spread = rng.uniform(0.01...1.5)
    let values = (0..<n).map { _ in 150 * exp(spread * (rng.uniform(0...1) + rng.uniform(0...1) - 1) * 2) }
    let histogram = Self.histogram(values)
    for percent in [0, 0.1, 1, 2.5, 5, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.9, 100] {
      let exact = Self.nearestRank(values, percent)
      let estimate = histogram.quantile(percent)
      #expect(
        abs(estimate - exact) <= ConcentrationHistogram.relativeErrorBound * exact,
        "seed \(seed), n \(n), p\(percent): \(estimate) vs \(exact)")
    }
    #expect(histogram.quantile(0) == values.min())
    #expect(histogram.quantile(100) == values.max())
  }

  @Test("one scan for increasing percentiles gives each percentile's own value", arguments: propertySeeds)
  func oneScanQuantiles(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let n = rng.integer(1...2000)
    let zeros = rng.integer(0...n)
    let values = (0..<n).map { $0 < zeros ? 0 : 40 * exp(rng.uniform(-3...3)) }
    let histogram = Self.histogram(values)
    let percents = [0, 0.1, 1, 2.5, 5, 10, 25, 50, 50, 75, 90, 95, 97.5, 99, 99.9, 100]
    var row: [Double] = []
    histogram.appendQuantiles(percents, to: &row)
    #expect(row.count == percents.count)
    for (percent, estimate) in zip(percents, row) {
      let exact = Self.nearestRank(values, percent)
      #expect(estimate == histogram.quantile(percent), "seed \(seed), p\(percent)")
      #expect(abs(estimate - exact) <= ConcentrationHistogram.relativeErrorBound * exact, "seed \(seed), p\(percent)")
    }
  }

  @Test("a builder reused over widening and narrowing key ranges counts like a fresh one")
  func reusedBuilder() {
    var rng = SplitMix64(seed: 11)
    var reused = HistogramBuilder()
    for step in 0..<60 {
      // The spread widens by about a bin per step, then narrows again.
      let width = step < 40 ? 0.01 * Double(step) : 0.01 * Double(80 - step)
      let values = (0..<300).map { _ in 10 * exp(width * rng.uniform(-1...1)) }
      var histogram = ConcentrationHistogram()
      reused.build(values, count: values.count, thresholds: [10], into: &histogram)
      let fresh = Self.histogram(values, thresholds: [10])
      #expect(histogram == fresh, "step \(step)")
      let keys = values.map(ConcentrationHistogram.key)
      #expect(histogram.keys == Array(Set(keys)).sorted(), "step \(step)")
      #expect(histogram.counts.reduce(0, +) == values.count)
    }
  }

  @Test("equal values give their value exactly; zeros are counted apart")
  func degenerate() {
    let value = 177.31327554119727
    let equal = Self.histogram([Double](repeating: value, count: 10))
    for percent in [1.0, 5, 50, 95, 100] { #expect(equal.quantile(percent) == value) }
    let zeros = Self.histogram([0, 0, 0, 5, 10], thresholds: [0, 4, 10])
    #expect(zeros.zeroCount == 3)
    #expect(zeros.quantile(50) == 0)
    #expect(zeros.quantile(60) == 0)
    #expect(abs(zeros.quantile(61) - 5) <= 5 * ConcentrationHistogram.relativeErrorBound)
    #expect(zeros.above == [2, 2, 0], "strictly above")
    #expect(zeros.fractionAbove(1) == 0.4)
  }

  @Test("histograms of parts merge into the histogram of the whole, bit for bit", arguments: propertySeeds)
  func mergeIsExact(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let values = (0..<2000).map { _ in rng.integer(0...9) == 0 ? 0 : rng.logUniform(1e-3...1e4) }
    let thresholds = [0.5, 100, 1000]
    var cuts = [0, rng.integer(0...700), rng.integer(700...1400), rng.integer(1400...2000), 2000]
    cuts.sort()
    var merged = ConcentrationHistogram()
    merged.reset(thresholds: thresholds.count)
    for part in (0..<4).reversed() {
      merged.merge(Self.histogram(Array(values[cuts[part]..<cuts[part + 1]]), thresholds: thresholds))
    }
    #expect(merged == Self.histogram(values, thresholds: thresholds))
  }

  @Test("every positive double counts densely: 90 decades, and the extremes of the type")
  func wideRange() {
    var values = (0..<500).map { pow(10, Double($0 % 90) - 45) * (1 + Double($0) / 1000) }
    values += [.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, .infinity]
    values += (0..<96).map { pow(10, Double($0 % 600) - 300) }
    let histogram = Self.histogram(values)
    // Wider than the 2^16 keys the builder once sorted instead, as wide as keys go.
    #expect(Int(histogram.keys.last! - histogram.keys.first!) > 1 << 18)
    #expect(Int(histogram.keys.last! - histogram.keys.first!) < HistogramBuilder.denseLimit)
    #expect(histogram.counts.reduce(0, +) == 600)
    #expect(zip(histogram.keys, histogram.keys.dropFirst()).allSatisfy { $0 < $1 })
    for percent in [5.0, 50, 95] {
      let exact = Self.nearestRank(values, percent)
      #expect(abs(histogram.quantile(percent) - exact) <= ConcentrationHistogram.relativeErrorBound * exact)
    }
  }
}
