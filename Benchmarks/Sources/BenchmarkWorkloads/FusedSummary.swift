import CBenchmarkKernels
@_spi(Benchmarks) import KetasimCore

/// The W2 read-out computed inside the tile (`kb_fused.c`).
///
/// It runs the same recursion as ketasim's tiled kernel with per-lane parameters, but the
/// peak and the time above each level are folded into the tile's registers
/// instead of storing every step. A prototype of what the population engine
/// can do; it gives the grid peak and the time above levels, not the time of
/// the peak.
///
/// All raw pointers of this read-out live in this file.
public struct FusedSummary {
  public let lanes: Int
  public let stride: Int
  public let states: Int
  private let phi: [Double]
  private let gamma: [Double]
  private let scale: [Double]
  private let levels: [Double]
  private var state: [Double]
  private var peakValue: [Double]
  private var above: [Double]

  /// - Parameters:
  ///   - transitions: one per lane.
  ///   - states: 2 or 3.
  ///   - scale: per lane, central amount (mg) to value (ng/mL).
  ///   - levels: ascending, at most `KB_FUSED_MAX_LEVELS`.
  public init(transitions: [Transition], states: Int, scale: [Double], levels: [Double]) {
    precondition(states == 2 || states == 3, "the fused read-out handles 2 or 3 states")
    precondition(transitions.count == scale.count, "one transition and one scale per lane")
    precondition(levels.count <= Int(KB_FUSED_MAX_LEVELS), "at most \(KB_FUSED_MAX_LEVELS) levels")
    precondition(zip(levels, levels.dropFirst()).allSatisfy { $0 < $1 }, "levels must be ascending")
    lanes = transitions.count
    self.states = states
    stride = LaneCoefficients.stride(lanes: lanes, tile: Int(KB_FUSED_TILE))
    let coefficients = LaneCoefficients(perLane: transitions, states: states, stride: stride)
    phi = coefficients.phi
    gamma = coefficients.gamma
    self.scale = scale + [Double](repeating: 0, count: stride - lanes)
    self.levels = levels
    state = [Double](repeating: 0, count: states * stride)
    peakValue = [Double](repeating: 0, count: stride)
    above = [Double](repeating: 0, count: levels.count * stride)
  }

  /// From zero (grid index 0, value 0), advances every lane through
  /// `rates.count` steps with the shared input `rates[k]` (mg/min).
  public mutating func run(rates: [Double]) {
    for index in state.indices { state[index] = 0 }
    for index in peakValue.indices { peakValue[index] = 0 }
    for index in above.indices { above[index] = 0 }
    var problem = kb_fused_problem(
      states: Int32(states), level_count: Int32(levels.count), lanes: Int64(lanes), stride: Int64(stride),
      steps: Int64(rates.count), first_index: 0, phi: nil, gamma: nil, rate: nil, scale: nil, levels: nil)
    phi.withUnsafeBufferPointer { phi in
      gamma.withUnsafeBufferPointer { gamma in
        rates.withUnsafeBufferPointer { rates in
          scale.withUnsafeBufferPointer { scale in
            levels.withUnsafeBufferPointer { levels in
              problem.phi = phi.baseAddress
              problem.gamma = gamma.baseAddress
              problem.rate = rates.baseAddress
              problem.scale = scale.baseAddress
              problem.levels = levels.baseAddress
              kb_fused_summary(&problem, &state, &peakValue, &above)
            }
          }
        }
      }
    }
  }

  /// Peak value per lane.
  public var peak: [Double] { Array(peakValue[0..<lanes]) }

  /// Grid indices above each level: `[level][lane]`.
  public var stepsAbove: [[Double]] { levels.indices.map { j in Array(above[(j * stride)..<(j * stride + lanes)]) } }
}
