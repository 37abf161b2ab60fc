import CKetasimKernels

extension KernelWorkspace {
  /// Exact statistics of a scan by ``binValues(_:count:thresholds:keys:above:)``.
  struct BinStats: Equatable {
    /// Smallest value (+∞ when there are none).
    var minimum: Double
    /// Largest value (−∞ when there are none).
    var maximum: Double
    /// Values ≤ 0.
    var zeros: Int
    /// Values > 0; their keys are `keys[0 ..< positives]`.
    var positives: Int
    /// Smallest and largest key of the positives.
    var lowKey: UInt32
    var highKey: UInt32
  }

  /// Scans `values[0 ..< count]` (`ks_bin_values`): the statistics, the bin
  /// key of each positive value in order into `keys` (which must hold
  /// `count`), and for each threshold the count of values strictly above it
  /// into `above` (which must hold `thresholds.count`).
  ///
  /// `instructionSet` picks the scan's version (the same results on every
  /// one).
  static func binValues(
    _ values: [Double], count: Int, thresholds: [Double], keys: inout [UInt32], above: inout [Int64],
    instructionSet: InstructionSet = .selected
  ) -> BinStats {
    precondition(instructionSet.isSupported, "this CPU does not run \(instructionSet.rawValue)")
    precondition(count >= 0 && count <= values.count && keys.count >= count, "keys must hold count values")
    precondition(above.count >= thresholds.count, "one count per threshold")
    var stats = ks_bin_stats()
    values.withUnsafeBufferPointer { values in
      thresholds.withUnsafeBufferPointer { thresholds in
        keys.withUnsafeMutableBufferPointer { keys in
          above.withUnsafeMutableBufferPointer { above in
            ks_bin_values_isa(
              values.baseAddress, Int64(count), thresholds.baseAddress, Int32(thresholds.count), keys.baseAddress,
              above.baseAddress, &stats, instructionSet.cValue)
          }
        }
      }
    }
    return BinStats(
      minimum: stats.minimum, maximum: stats.maximum, zeros: Int(stats.zeros), positives: Int(stats.positives),
      lowKey: stats.low_key, highKey: stats.high_key)
  }

  /// Counts `keys[0 ..< count]`, each in `low ..< low + range`
  /// (`ks_count_keys`), writing the distinct keys in increasing order with
  /// their counts into `binKeys` and `binCounts` (each holding at least
  /// `min(count, range)`); returns how many.
  ///
  /// Scratch: `dense` holds `range` and `occupied` `(range + 63) / 64`
  /// words; both must be all zero on entry and are left all zero.
  static func countKeys(
    _ keys: [UInt32], count: Int, low: UInt32, range: Int, dense: inout [Int64], occupied: inout [UInt64],
    binKeys: inout [UInt32], binCounts: inout [Int]
  ) -> Int {
    precondition(count <= keys.count && range <= dense.count && (range + 63) / 64 <= occupied.count, "scratch")
    precondition(binKeys.count >= min(count, range) && binCounts.count >= min(count, range), "bins do not fit")
    var bins = 0
    keys.withUnsafeBufferPointer { keys in
      dense.withUnsafeMutableBufferPointer { dense in
        occupied.withUnsafeMutableBufferPointer { occupied in
          binKeys.withUnsafeMutableBufferPointer { binKeys in
            binCounts.withUnsafeMutableBufferPointer { binCounts in
              binCounts.withMemoryRebound(to: Int64.self) { binCounts in
                bins = Int(
                  ks_count_keys(
                    keys.baseAddress, Int64(count), low, Int64(range), dense.baseAddress, occupied.baseAddress,
                    binKeys.baseAddress, binCounts.baseAddress))
              }
            }
          }
        }
      }
    }
    return bins
  }
}

extension KernelWorkspace {
  /// Counts `values[0 ..< count]` against brackets and thresholds (`ks_bracket_count_isa`); returns the count
  /// of values ≤ 0.
  ///
  /// For each bracket `b`, the count of values strictly below `lows[b]` goes into `below[b]` and strictly below
  /// `highs[b]` into `underHigh[b]`; for each threshold, the count of values strictly above it into `above`.
  ///
  /// `instructionSet` picks the scan's version (the same results on every one).
  static func countBrackets(
    _ values: [Double], count: Int, thresholds: [Double], lows: [Double], highs: [Double],
    below: inout [Int64], underHigh: inout [Int64], above: inout [Int64], instructionSet: InstructionSet = .selected
  ) -> Int {
    precondition(instructionSet.isSupported, "this CPU does not run \(instructionSet.rawValue)")
    precondition(count >= 0 && count <= values.count, "more values requested than given")
    precondition(lows.count == highs.count, "one high edge per low edge")
    precondition(below.count >= lows.count && underHigh.count >= lows.count, "one count per bracket")
    precondition(above.count >= thresholds.count, "one count per threshold")
    var zeros: Int64 = 0
    values.withUnsafeBufferPointer { values in
      thresholds.withUnsafeBufferPointer { thresholds in
        lows.withUnsafeBufferPointer { lows in
          highs.withUnsafeBufferPointer { highs in
            below.withUnsafeMutableBufferPointer { below in
              underHigh.withUnsafeMutableBufferPointer { underHigh in
                above.withUnsafeMutableBufferPointer { above in
                  ks_bracket_count_isa(
                    values.baseAddress, Int64(count), thresholds.baseAddress, Int32(thresholds.count),
                    lows.baseAddress, highs.baseAddress, Int32(lows.count), below.baseAddress,
                    underHigh.baseAddress, above.baseAddress, &zeros, instructionSet.cValue)
                }
              }
            }
          }
        }
      }
    }
    return Int(zeros)
  }

  /// The smallest and largest of `values[0 ..< count]` (`ks_value_range`; +∞ and −∞ when there are none).
  static func valueRange(_ values: [Double], count: Int) -> (minimum: Double, maximum: Double) {
    precondition(count >= 0 && count <= values.count, "more values requested than given")
    var minimum = 0.0
    var maximum = 0.0
    values.withUnsafeBufferPointer { ks_value_range($0.baseAddress, Int64(count), &minimum, &maximum) }
    return (minimum, maximum)
  }

  /// Adds to `counts[offsets[b] + k − lowKeys[b]]` the number of values of `values[0 ..< count]` whose bin key
  /// is `k`, for every `k` in `lowKeys[b] ..< lowKeys[b] + spans[b]` (`ks_bracket_gather_isa`).
  ///
  /// `instructionSet` picks the scan's version (the same counts on every one).
  ///
  /// - Precondition: every bracket lies within the keys of positive finite doubles (`1 ... 0x7FEFF`), and
  ///   `counts` holds every bracket's span from its offset.
  static func gatherBrackets(
    _ values: [Double], count: Int, lowKeys: [UInt32], spans: [Int64], offsets: [Int64], counts: inout [Int64],
    instructionSet: InstructionSet = .selected
  ) {
    precondition(instructionSet.isSupported, "this CPU does not run \(instructionSet.rawValue)")
    precondition(count >= 0 && count <= values.count, "more values requested than given")
    precondition(lowKeys.count == spans.count && spans.count == offsets.count, "one span and offset per bracket")
    for b in lowKeys.indices {
      precondition(lowKeys[b] >= 1 && Int64(lowKeys[b]) + spans[b] - 1 <= 0x7FEFF, "bracket outside the keys")
      precondition(offsets[b] >= 0 && Int(offsets[b] + spans[b]) <= counts.count, "counts too short")
    }
    values.withUnsafeBufferPointer { values in
      lowKeys.withUnsafeBufferPointer { lowKeys in
        spans.withUnsafeBufferPointer { spans in
          offsets.withUnsafeBufferPointer { offsets in
            counts.withUnsafeMutableBufferPointer { counts in
              ks_bracket_gather_isa(
                values.baseAddress, Int64(count), lowKeys.baseAddress, spans.baseAddress, offsets.baseAddress,
                Int32(lowKeys.count), counts.baseAddress, instructionSet.cValue)
            }
          }
        }
      }
    }
  }
}
