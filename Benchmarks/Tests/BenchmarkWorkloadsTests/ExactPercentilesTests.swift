import BenchmarkWorkloads
import Foundation
import Testing

/// The bracketed percentiles against a full sort of every row.
@Suite struct ExactPercentilesTests {
  /// NumPy's "linear" percentile of sorted values (the definition the
  /// tracker promises), computed the plain way.
  static func reference(_ sorted: [Double], _ p: Double) -> Double {
    let h = Double(sorted.count - 1) * p
    let i = Int(h.rounded(.down))
    let j = min(i + 1, sorted.count - 1)
    let t = h - Double(i)
    let d = sorted[j] - sorted[i]
    return t >= 0.5 ? sorted[j] - d * (1 - t) : sorted[i] + d * t
  }

  /// Rows like a population's concentrations: zeros first, then values that
  /// rise, fall and decay over many orders of magnitude, with ties.
  static func rows(lanes: Int, count: Int) -> [[Double]] {
    var generator = SplitMix64(seed: 42)
    let rates = (0..<lanes).map { _ in 0.02 + 0.2 * generator.nextOpenUnit() }
    let sizes = (0..<lanes).map { _ in 50 + 400 * generator.nextOpenUnit() }
    return (0..<count).map { t in
      (0..<lanes).map { l in
        if t == 0 { return 0 }
        if l % 97 == 0 { return 123.0 }  // ties
        let time = Double(t)
        let rise = time < 40 ? time / 40 : exp(-rates[l] * (time - 40))
        return sizes[l] * rise
      }
    }
  }

  @Test(arguments: [1, 2, 7, 1_000])
  func matchesFullSortOnEveryRow(lanes: Int) {
    let fractions = [0.0, 0.05, 0.5, 0.95, 1.0]
    var tracker = ExactPercentiles(fractions: fractions)
    let levels = [100.0, 150.0]
    let ones = [Double](repeating: 1, count: lanes)
    var above = [Int64](repeating: 0, count: levels.count)
    var result = [Double](repeating: 0, count: fractions.count)
    for row in ExactPercentilesTests.rows(lanes: lanes, count: 600) {
      row.withUnsafeBufferPointer { values in
        ones.withUnsafeBufferPointer { scale in
          tracker.evaluate(
            row: values.baseAddress!, scale: scale.baseAddress!, count: lanes, levels: levels, above: &above,
            into: &result)
        }
      }
      let sorted = row.sorted()
      for (p, fraction) in fractions.enumerated() {
        #expect(result[p] == ExactPercentilesTests.reference(sorted, fraction))
      }
      for (j, level) in levels.enumerated() { #expect(above[j] == Int64(row.filter { $0 > level }.count)) }
    }
  }

  @Test func jumpsFarOutsideTheBracketAreStillExact() {
    // Rows that jump by orders of magnitude in both directions.
    var tracker = ExactPercentiles(fractions: [0.05, 0.5, 0.95])
    var generator = SplitMix64(seed: 7)
    var result = [Double](repeating: 0, count: 3)
    var above: [Int64] = []
    let scale = [Double](repeating: 1, count: 300)
    for t in 0..<50 {
      let magnitude = t % 2 == 0 ? 1e-30 : 1e30
      let row = (0..<300).map { _ in magnitude * generator.nextOpenUnit() }
      row.withUnsafeBufferPointer { values in
        scale.withUnsafeBufferPointer { scale in
          tracker.evaluate(
            row: values.baseAddress!, scale: scale.baseAddress!, count: 300, levels: [], above: &above,
            into: &result)
        }
      }
      let sorted = row.sorted()
      #expect(result == [0.05, 0.5, 0.95].map { ExactPercentilesTests.reference(sorted, $0) })
    }
  }
}
