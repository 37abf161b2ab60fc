import CBenchmarkKernels

/// Per-lane running read-out on the grid.
///
/// It keeps the peak value (and the grid time index where it is first
/// reached) and the number of grid times strictly above each level. A value is the lane's central amount times its
/// `scale` (which converts to ng/mL).
///
/// Time index 0 (before anything is given) counts as value 0.
public struct GridSummaryReducer: LaneReducer {
  public let lanes: Int
  public let scale: [Double]
  public let levels: [Double]
  public private(set) var peak: [Double]
  public private(set) var peakIndex: [Double]
  /// `above[level * lanes + lane]`.
  public private(set) var above: [Double]

  public init(scale: [Double], levels: [Double]) {
    precondition(levels.count <= Int(KB_MAX_LEVELS), "at most \(KB_MAX_LEVELS) levels")
    lanes = scale.count
    self.scale = scale
    self.levels = levels
    peak = [Double](repeating: 0, count: lanes)
    peakIndex = [Double](repeating: 0, count: lanes)
    above = [Double](repeating: 0, count: levels.count * lanes)
  }

  /// Back to time zero.
  public mutating func reset() {
    for lane in 0..<lanes {
      peak[lane] = 0
      peakIndex[lane] = 0
    }
    for index in above.indices { above[index] = 0 }
  }

  public mutating func fold(first: Int, rows: UnsafeBufferPointer<Double>, count: Int, stride: Int) {
    kb_summary_update(
      rows.baseAddress, Int64(count), Int64(stride), Int64(lanes), scale, Int64(first + 1), &peak, &peakIndex, levels,
      Int32(levels.count), &above)
  }

  /// Grid steps above each level: `[level][lane]`.
  public var stepsAbove: [[Double]] {
    levels.indices.map { j in Array(above[(j * lanes)..<((j + 1) * lanes)]) }
  }
}
