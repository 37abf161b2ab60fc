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
  /// The bands' scan (`ks_band_scan_isa`) of `values[0 ..< count]` (each times `scales[i]` plus 0.0, when
  /// given) against `brackets` (``BandBrackets``) and `thresholds` (ng/mL), in one pass; every count is added to
  /// `counts`, which must be sized for them (``BandCounts/reset(for:thresholds:)``).
  ///
  /// `instructionSet` picks the scan's version (the same counts on every one).
  static func scanBands(
    _ values: [Double], scales: [Double]? = nil, count: Int, thresholds: [Double], brackets: BandBrackets,
    into counts: inout BandCounts, instructionSet: InstructionSet = .selected
  ) {
    precondition(count >= 0 && count <= values.count, "more values requested than given")
    precondition(scales.map { $0.count >= count } ?? true, "one scale per value")
    values.withUnsafeBufferPointer { values in
      if let scales {
        scales.withUnsafeBufferPointer { scales in
          scan(
            values.baseAddress, scales: scales.baseAddress, count: count, thresholds: thresholds, brackets: brackets,
            into: &counts, instructionSet: instructionSet)
        }
      } else {
        scan(
          values.baseAddress, scales: nil, count: count, thresholds: thresholds, brackets: brackets, into: &counts,
          instructionSet: instructionSet)
      }
    }
  }

  /// ``scanBands(_:scales:count:thresholds:brackets:into:instructionSet:)`` of observed state `slot` of output row
  /// `row`, lane `l`'s value times `scales[l]` (its ng/mL per state unit; `+ 0.0`, as in
  /// ``copyOutput(row:slot:scales:into:at:)``).
  func scanOutput(
    row: Int, slot: Int, scales: [Double], thresholds: [Double], brackets: BandBrackets, into counts: inout BandCounts,
    instructionSet: InstructionSet = .selected
  ) {
    precondition(scales.count >= lanes, "one scale per lane")
    let base = (row * observedCount + slot) * stride
    precondition(base >= 0 && base + lanes <= output.count, "no such output row")
    output.withUnsafeBufferPointer { output in
      scales.withUnsafeBufferPointer { scales in
        Self.scan(
          output.baseAddress! + base, scales: scales.baseAddress, count: lanes, thresholds: thresholds,
          brackets: brackets, into: &counts, instructionSet: instructionSet)
      }
    }
  }

  /// The scan of `count` values from `values` (times `scales`, if given).
  private static func scan(
    _ values: UnsafePointer<Double>?, scales: UnsafePointer<Double>?, count: Int, thresholds: [Double],
    brackets: BandBrackets, into counts: inout BandCounts, instructionSet: InstructionSet
  ) {
    precondition(instructionSet.isSupported, "this CPU does not run \(instructionSet.rawValue)")
    precondition(
      counts.below.count == brackets.count && counts.underHigh.count == brackets.count
        && counts.bins.count == brackets.binCount && counts.above.count == thresholds.count,
      "counts sized for the brackets and thresholds")
    var zeros = counts.zeros
    defer { counts.zeros = zeros }
    thresholds.withUnsafeBufferPointer { thresholds in
      brackets.lowKeys.withUnsafeBufferPointer { lowKeys in
        brackets.spans.withUnsafeBufferPointer { spans in
          brackets.offsets.withUnsafeBufferPointer { offsets in
            counts.below.withUnsafeMutableBufferPointer { below in
              counts.underHigh.withUnsafeMutableBufferPointer { underHigh in
                counts.above.withUnsafeMutableBufferPointer { above in
                  counts.bins.withUnsafeMutableBufferPointer { bins in
                    ks_band_scan_isa(
                      values, scales, Int64(count), thresholds.baseAddress, Int32(thresholds.count),
                      lowKeys.baseAddress, spans.baseAddress, offsets.baseAddress, Int32(lowKeys.count),
                      below.baseAddress, underHigh.baseAddress, above.baseAddress, &zeros, bins.baseAddress,
                      instructionSet.cValue)
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// The smallest and largest of `values[0 ..< count]` (`ks_value_range`; +∞ and −∞ when there are none).
  static func valueRange(_ values: [Double], count: Int) -> (minimum: Double, maximum: Double) {
    precondition(count >= 0 && count <= values.count, "more values requested than given")
    var minimum = 0.0
    var maximum = 0.0
    values.withUnsafeBufferPointer { ks_value_range($0.baseAddress, Int64(count), &minimum, &maximum) }
    return (minimum, maximum)
  }
}
