import CBenchmarkKernels
import KetasimCore

/// W3, population bands: for every grid time, percentiles of plasma
/// concentration across the subjects of a ``PopulationScenario`` and the
/// fraction of subjects strictly above each threshold.
///
/// The run streams over time: the kernel advances all subjects one chunk of
/// steps at a time, and each row of the chunk is reduced at once
/// (``BandsReducer``), so memory holds one chunk (256 rows of all subjects),
/// never subjects × times. Percentiles are exact (NumPy's default
/// definition, see ``ExactPercentiles``).
///
/// `init` does the set-up (individual transitions, buffers, the result
/// table); ``run()`` is the time loop and allocates nothing.
public struct PopulationBandsWorkload {
  public let scenario: PopulationScenario
  public let kernel: Kernel
  private var batch: LaneBatch
  private let rates: [Double]
  private var reducer: BandsReducer

  public init(_ scenario: PopulationScenario, fractions: [Double] = [0.05, 0.5, 0.95], kernel: Kernel = .tiled) throws {
    self.scenario = scenario
    self.kernel = kernel
    let dt = scenario.stepSeconds / 60
    let transitions = try scenario.subjects.map { try Disposition($0.parameters()).transition(overMinutes: dt) }
    batch = LaneBatch(transitions: transitions, states: 2, lanes: scenario.subjects.count, kernel: kernel)
    rates = (0..<scenario.steps).map { $0 < scenario.infusionSteps ? 1.0 : 0.0 }
    reducer = BandsReducer(
      scale: scenario.subjects.map { $0.rateMilligramsPerMinute * 1000 / $0.v1 },
      levels: scenario.thresholds.map(\.nanogramsPerMilliliter), fractions: fractions, times: scenario.steps + 1)
  }

  /// Simulates every subject from time zero, reducing each grid time.
  public mutating func run() {
    batch.reset()
    reducer.reset()
    batch.run(rates: rates, into: &reducer)
  }

  /// Grid times (min).
  public var minutes: [Double] { (0...scenario.steps).map { Double($0) * scenario.stepSeconds / 60 } }
  /// Percentile fractions (0.05 for the 5th percentile).
  public var fractions: [Double] { reducer.tracker.fractions }
  /// Percentiles per time: `percentiles[time * fractions.count + p]` (ng/mL).
  public var percentiles: [Double] { reducer.percentiles }
  /// Fraction of subjects strictly above each threshold per time:
  /// `fractionAbove[time * thresholdCount + j]`.
  public var fractionAbove: [Double] { reducer.fractionAbove }
  public var thresholdCount: Int { reducer.levels.count }
}

/// Reduces each grid time's row of lanes to percentiles and fractions above
/// levels, as the rows come.
public struct BandsReducer: LaneReducer {
  public let scale: [Double]
  public let levels: [Double]
  public private(set) var tracker: ExactPercentiles
  public private(set) var percentiles: [Double]
  public private(set) var fractionAbove: [Double]
  private let zeros: [Double]
  private var above: [Int64]

  public init(scale: [Double], levels: [Double], fractions: [Double], times: Int) {
    self.scale = scale
    self.levels = levels
    tracker = ExactPercentiles(fractions: fractions)
    tracker.reserve(scale.count)
    percentiles = [Double](repeating: 0, count: times * fractions.count)
    fractionAbove = [Double](repeating: 0, count: times * levels.count)
    zeros = [Double](repeating: 0, count: scale.count)
    above = [Int64](repeating: 0, count: levels.count)
  }

  /// Back to time zero, where every value is zero.
  public mutating func reset() {
    tracker.reset()
    zeros.withUnsafeBufferPointer { reduce(row: $0.baseAddress!, time: 0) }
  }

  public mutating func fold(first: Int, rows: UnsafeBufferPointer<Double>, count: Int, stride: Int) {
    for r in 0..<count { reduce(row: rows.baseAddress! + r * stride, time: first + r + 1) }
  }

  private mutating func reduce(row: UnsafePointer<Double>, time: Int) {
    let f = tracker.fractions.count
    let lanes = scale.count
    scale.withUnsafeBufferPointer { scale in
      percentiles.withUnsafeMutableBufferPointer { out in
        above.withUnsafeMutableBufferPointer { above in
          tracker.evaluate(
            row: row, scale: scale.baseAddress!, count: lanes, levels: levels, above: above.baseAddress!,
            into: out.baseAddress! + time * f)
        }
      }
    }
    for j in levels.indices { fractionAbove[time * levels.count + j] = Double(above[j]) / Double(lanes) }
  }
}
