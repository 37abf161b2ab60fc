import CKetasimKernels
import KetasimCore

/// Lanes of one linear model, advanced chunk by chunk through a uniform grid
/// by one of ketasim's C kernels, with each chunk's central amounts handed
/// to a read-out.
///
/// This is the streaming use of the kernels that a population or regimen
/// read-out needs: the output buffer holds one chunk (`chunkSteps` rows of
/// `stride` lanes), never the whole run, so memory does not grow with the
/// number of steps. It calls the kernels through `CKetasimKernels` directly,
/// as `LaneEngine` does inside KetasimCore, because `LaneSimulation.run`
/// returns every lane at every time.
///
/// All raw pointers of the benchmarks' Swift code live in this file.
public struct LaneBatch {
  public let states: Int
  public let lanes: Int
  public let stride: Int
  public let perLaneSystem: Bool
  public let chunkSteps: Int
  private var phi: [Double]
  private var gamma: [Double]
  private var state: [Double]
  private var work: [Double]
  private var output: [Double]
  private var laneRates: [Double]
  private let observed: [Int32] = [0]

  /// - Parameters:
  ///   - transitions: one-step transitions, one shared by all lanes or one
  ///     per lane.
  ///   - states: states per lane (compartments, plus an effect site).
  ///   - lanes: number of lanes.
  ///   - chunkSteps: rows of the output buffer; by default as many as fit
  ///     in 1 MiB (so that the read-out finds them in cache), from 8 to 256
  ///     (256 is what `LaneEngine` uses).
  public init(transitions: [Transition], states: Int, lanes: Int, chunkSteps: Int? = nil) {
    precondition(transitions.count == 1 || transitions.count == lanes, "one transition, or one per lane")
    precondition((1...Int(KS_MAX_STATES)).contains(states), "1 to \(KS_MAX_STATES) states")
    self.states = states
    self.lanes = lanes
    stride = LaneCoefficients.stride(lanes: lanes)
    self.chunkSteps = chunkSteps ?? min(256, max(8, (1 << 17) / stride))
    perLaneSystem = transitions.count > 1
    let coefficients =
      perLaneSystem
      ? LaneCoefficients(perLane: transitions, states: states, stride: stride)
      : LaneCoefficients(shared: transitions[0], states: states)
    phi = coefficients.phi
    gamma = coefficients.gamma
    state = [Double](repeating: 0, count: states * stride)
    work = [Double](repeating: 0, count: 2 * (states + 1) * stride)
    output = [Double](repeating: 0, count: self.chunkSteps * stride)
    laneRates = []
  }

  /// The sum of every lane's central amount (a checksum).
  public func centralSum() -> Double { state[0..<lanes].reduce(0, +) }

  /// Sets every state to zero.
  public mutating func reset() {
    for index in state.indices { state[index] = 0 }
  }

  /// Advances all lanes by `rates.count` steps with a shared input.
  ///
  /// Every lane receives `rates[k]` (mg/min) over step `k`; each chunk is
  /// folded into `reducer`. With `record` false nothing is stored and the reducer is not called
  /// (the kernels' compute-only speed).
  public mutating func run<Reducer: LaneReducer>(
    rates: [Double], kernel: Kernel, record: Bool = true, into reducer: inout Reducer
  ) {
    var first = 0
    while first < rates.count {
      let count = min(chunkSteps, rates.count - first)
      rates.withUnsafeBufferPointer { rates in
        advance(count: count, rate: rates.baseAddress! + first, perLaneRate: false, kernel: kernel, record: record)
      }
      if record {
        output.withUnsafeBufferPointer { reducer.fold(first: first, rows: $0, count: count, stride: stride) }
      }
      first += count
    }
  }

  /// Advances all lanes by `steps` steps with a rate per lane and step, which
  /// `input` writes chunk by chunk, folding each chunk into `reducer`.
  public mutating func run<Input: LaneInput, Reducer: LaneReducer>(
    steps: Int, kernel: Kernel, input: Input, into reducer: inout Reducer
  ) {
    if laneRates.count != chunkSteps * stride { laneRates = [Double](repeating: 0, count: chunkSteps * stride) }
    var first = 0
    while first < steps {
      let count = min(chunkSteps, steps - first)
      laneRates.withUnsafeMutableBufferPointer { input.fill(first: first, count: count, stride: stride, into: $0) }
      laneRates.withUnsafeBufferPointer { rates in
        advance(count: count, rate: rates.baseAddress!, perLaneRate: true, kernel: kernel, record: true)
      }
      output.withUnsafeBufferPointer { reducer.fold(first: first, rows: $0, count: count, stride: stride) }
      first += count
    }
  }

  private mutating func advance(
    count: Int, rate: UnsafePointer<Double>, perLaneRate: Bool, kernel: Kernel, record: Bool
  ) {
    phi.withUnsafeBufferPointer { phi in
      gamma.withUnsafeBufferPointer { gamma in
        observed.withUnsafeBufferPointer { observed in
          output.withUnsafeMutableBufferPointer { output in
            work.withUnsafeMutableBufferPointer { work in
              state.withUnsafeMutableBufferPointer { state in
                var problem = ks_lane_problem(
                  states: Int32(states), per_lane_system: perLaneSystem ? 1 : 0, per_lane_rate: perLaneRate ? 1 : 0,
                  observed_count: record ? 1 : 0, lanes: Int64(lanes), stride: Int64(stride), steps: Int64(count),
                  phi: phi.baseAddress, gamma: gamma.baseAddress, rate: rate, observed: observed.baseAddress,
                  output: record ? output.baseAddress : nil)
                switch kernel.resolved(states: states, lanes: lanes, perLaneParameters: perLaneSystem) {
                case .tiled: ks_advance_tiled(&problem, state.baseAddress)
                case .blas: ks_advance_blas(&problem, state.baseAddress, work.baseAddress)
                case .scalar, .auto: ks_advance_scalar(&problem, state.baseAddress)
                }
              }
            }
          }
        }
      }
    }
  }
}

/// Folds chunks of a ``LaneBatch``'s output into a read-out.
public protocol LaneReducer {
  /// Row `r` of `rows` (at `r * stride`, lane `l` at `+ l`) is the central
  /// amount after step `first + r`, i.e. at grid time index `first + r + 1`.
  mutating func fold(first: Int, rows: UnsafeBufferPointer<Double>, count: Int, stride: Int)
}

/// Writes per-lane input rates for a ``LaneBatch``, chunk by chunk.
public protocol LaneInput {
  /// Writes the rates (mg/min) of steps `first ..< first + count` into
  /// `buffer[k * stride + lane]`.
  func fill(first: Int, count: Int, stride: Int, into buffer: UnsafeMutableBufferPointer<Double>)
}

/// A reducer that keeps nothing (for timing the kernels alone).
public struct DiscardingReducer: LaneReducer {
  public init() {}
  public mutating func fold(first: Int, rows: UnsafeBufferPointer<Double>, count: Int, stride: Int) {}
}
