/// A mergeable summary of many subjects' concentrations at one instant:
/// exact count, minimum, maximum and counts above each threshold, and the
/// values' distribution over fixed logarithmic bins.
///
/// **Bins.** A positive value `v` falls in the bin whose key is the top 20
/// bits of its IEEE-754 pattern (exponent and 8 leading mantissa bits),
/// `key = bits(v) >> 44`. Each octave `[2ᵉ, 2ᵉ⁺¹)` is cut into 256 bins of
/// equal width `2ᵉ⁻⁸`, so a bin spans at most 2⁻⁸ ≈ 0.39 % of its lower
/// edge. Values ≤ 0 (before any dose) are counted apart. The bins are fixed
/// in advance and integer-keyed, so histograms of disjoint groups of
/// subjects merge exactly by adding counts, and the merge of shards equals
/// the histogram of the whole population bit for bit.
///
/// **Percentiles** (``quantile(_:)``). The estimator is the nearest rank
/// (Hyndman & Fan type 1, the inverse of the empirical CDF): the `p`-th
/// percentile of `N` values is the `r`-th smallest, `r = ⌈p·N/100⌉`
/// (at least 1). It is reported as the midpoint of the bin holding that
/// value, limited to `[minimum, maximum]`; 0 and 100 give the exact minimum
/// and maximum. The relative error against the exact order statistic is at
/// most half a bin, ``relativeErrorBound`` = 2⁻⁹ ≈ 0.2 %, and zero when all
/// values are equal (everything is then clamped to the common value).
public struct ConcentrationHistogram: Sendable, Equatable {
  /// Number of values.
  public var count = 0
  /// Smallest and largest value (ng/mL); `+∞`/`−∞` when empty.
  public var minimum = Double.infinity
  public var maximum = -Double.infinity
  /// Values ≤ 0.
  public var zeroCount = 0
  /// Keys of the non-empty bins, increasing, and their counts.
  public var keys: [UInt32] = []
  public var counts: [Int] = []
  /// Values strictly above each threshold, in threshold order.
  public var above: [Int] = []

  public init() {}

  /// Bound on `|estimate − exact| / exact` of ``quantile(_:)``.
  public static let relativeErrorBound = 0x1p-9

  /// Leading mantissa bits kept in a key (256 bins per octave).
  static let mantissaBits = 8
  static let keyShift: UInt64 = 52 - UInt64(mantissaBits)

  /// The bin of a positive finite value (the C kernel's `KS_BIN_SHIFT` is
  /// the same shift).
  static func key(_ value: Double) -> UInt32 { UInt32(truncatingIfNeeded: value.bitPattern >> keyShift) }

  /// The midpoint of a bin: the key's bits followed by a 1 and zeros, exact.
  static func midpoint(_ key: UInt32) -> Double {
    Double(bitPattern: (UInt64(key) << keyShift) | (1 << (keyShift - 1)))
  }

  /// The smallest value of a bin: the key's bits followed by zeros, exact (+∞ past the largest finite key).
  static func lowEdge(_ key: UInt32) -> Double { Double(bitPattern: UInt64(key) << keyShift) }

  /// Empties the histogram, keeping its storage.
  public mutating func reset(thresholds: Int) {
    count = 0
    minimum = .infinity
    maximum = -.infinity
    zeroCount = 0
    keys.removeAll(keepingCapacity: true)
    counts.removeAll(keepingCapacity: true)
    above.removeAll(keepingCapacity: true)
    above.append(contentsOf: repeatElement(0, count: thresholds))
  }

  /// Adds the values summarised by `other` (same thresholds).
  public mutating func merge(_ other: ConcentrationHistogram) {
    precondition(above.count == other.above.count, "histograms with different thresholds")
    count += other.count
    minimum = Swift.min(minimum, other.minimum)
    maximum = Swift.max(maximum, other.maximum)
    zeroCount += other.zeroCount
    for index in above.indices { above[index] += other.above[index] }
    var mergedKeys: [UInt32] = []
    var mergedCounts: [Int] = []
    mergedKeys.reserveCapacity(keys.count + other.keys.count)
    mergedCounts.reserveCapacity(keys.count + other.keys.count)
    var a = 0
    var b = 0
    while a < keys.count || b < other.keys.count {
      if b == other.keys.count || (a < keys.count && keys[a] < other.keys[b]) {
        mergedKeys.append(keys[a])
        mergedCounts.append(counts[a])
        a += 1
      } else if a == keys.count || other.keys[b] < keys[a] {
        mergedKeys.append(other.keys[b])
        mergedCounts.append(other.counts[b])
        b += 1
      } else {
        mergedKeys.append(keys[a])
        mergedCounts.append(counts[a] + other.counts[b])
        a += 1
        b += 1
      }
    }
    keys = mergedKeys
    counts = mergedCounts
  }

  /// The `percent`-th percentile (0…100) by the nearest rank, from the bins
  /// (see the type's discussion for the estimator and its error bound).
  ///
  /// - Precondition: the histogram is not empty.
  public func quantile(_ percent: Double) -> Double {
    precondition(count > 0, "percentile of an empty histogram")
    if percent <= 0 { return minimum }
    if percent >= 100 { return maximum }
    let rank = Swift.min(Swift.max(Int((percent * Double(count) / 100).rounded(.up)), 1), count)
    var estimate = maximum
    if rank <= zeroCount {
      estimate = 0
    } else {
      var cumulative = zeroCount
      for index in keys.indices {
        cumulative += counts[index]
        if cumulative >= rank {
          estimate = ConcentrationHistogram.midpoint(keys[index])
          break
        }
      }
    }
    return Swift.min(Swift.max(estimate, minimum), maximum)
  }

  /// ``quantile(_:)`` of each of `percents` (increasing), appended to
  /// `row` in order: the same values, found in one scan of the bins.
  ///
  /// - Precondition: the histogram is not empty and `percents` increase.
  public func appendQuantiles(_ percents: [Double], to row: inout [Double]) {
    precondition(count > 0, "percentile of an empty histogram")
    var index = 0
    var cumulative = zeroCount
    var previous = -Double.infinity
    for percent in percents {
      precondition(percent >= previous, "percentiles out of order")
      previous = percent
      if percent <= 0 || percent >= 100 {
        row.append(quantile(percent))
        continue
      }
      let rank = Swift.min(Swift.max(Int((percent * Double(count) / 100).rounded(.up)), 1), count)
      var estimate = maximum
      if rank <= zeroCount {
        estimate = 0
      } else {
        // Ranks increase with the percents, so the scan resumes where the
        // previous percent stopped (at the bin that reached its rank).
        while index < keys.count && cumulative + counts[index] < rank {
          cumulative += counts[index]
          index += 1
        }
        if index < keys.count { estimate = ConcentrationHistogram.midpoint(keys[index]) }
      }
      row.append(Swift.min(Swift.max(estimate, minimum), maximum))
    }
  }

  /// Fraction of values strictly above threshold number `index`.
  public func fractionAbove(_ index: Int) -> Double {
    Double(above[index]) / Double(count)
  }
}
