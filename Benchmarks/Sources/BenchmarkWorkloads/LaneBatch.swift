@_spi(Benchmarks) import KetasimCore

/// Lanes of one linear model, advanced chunk by chunk through a uniform grid
/// by one of ketasim's C kernels, with each chunk's central amounts handed
/// to a read-out.
///
/// This is the streaming use of the kernels that a population or regimen
/// read-out needs: the output buffer holds one chunk (`chunkSteps` rows of
/// `stride` lanes), never the whole run, so memory does not grow with the
/// number of steps. The buffers and the kernel calls are KetasimCore's
/// `KernelWorkspace` (reached through `@_spi(Benchmarks)`), because
/// `LaneSimulation.run` returns every lane at every time.
public struct LaneBatch {
  public var states: Int { workspace.states }
  public var lanes: Int { workspace.lanes }
  public var stride: Int { workspace.stride }
  public var perLaneSystem: Bool { workspace.perLaneSystem }
  public let chunkSteps: Int
  private var workspace: KernelWorkspace

  /// - Parameters:
  ///   - transitions: one-step transitions, one shared by all lanes or one
  ///     per lane.
  ///   - states: states per lane (compartments, plus an effect site).
  ///   - lanes: number of lanes.
  ///   - kernel: the kernel every run uses (``Kernel/auto`` is resolved by
  ///     the measured crossover).
  ///   - chunkSteps: rows of the output buffer; by default as many as fit
  ///     in 1 MiB (so that the read-out finds them in cache), from 8 to 256
  ///     (256 is what `LaneSimulation` uses).
  public init(transitions: [Transition], states: Int, lanes: Int, kernel: Kernel, chunkSteps: Int? = nil) {
    precondition(transitions.count == 1 || transitions.count == lanes, "one transition, or one per lane")
    precondition(
      (1...KernelWorkspace.maximumStates).contains(states), "1 to \(KernelWorkspace.maximumStates) states")
    let stride = LaneCoefficients.stride(lanes: lanes)
    let chunkSteps = chunkSteps ?? min(256, max(8, (1 << 17) / stride))
    self.chunkSteps = chunkSteps
    let perLaneSystem = transitions.count > 1
    let coefficients =
      perLaneSystem
      ? LaneCoefficients(perLane: transitions, states: states, stride: stride)
      : LaneCoefficients(shared: transitions[0], states: states)
    workspace = KernelWorkspace(
      coefficients: coefficients, states: states, lanes: lanes, perLaneSystem: perLaneSystem, kernel: kernel,
      observed: [0], outputRows: chunkSteps)
  }

  /// The sum of every lane's central amount (a checksum).
  public func centralSum() -> Double { workspace.centralSum() }

  /// Sets every state to zero.
  public mutating func reset() { workspace.resetState() }

  /// Advances all lanes by `rates.count` steps with a shared input.
  ///
  /// Every lane receives `rates[k]` (mg/min) over step `k`; each chunk is
  /// folded into `reducer`. With `record` false nothing is stored and the reducer is not called
  /// (the kernels' compute-only speed).
  public mutating func run<Reducer: LaneReducer>(rates: [Double], record: Bool = true, into reducer: inout Reducer) {
    var first = 0
    while first < rates.count {
      let count = min(chunkSteps, rates.count - first)
      workspace.advance(steps: count, sharedRates: rates, from: first, record: record)
      if record {
        let stride = self.stride
        workspace.withUnsafeOutput { reducer.fold(first: first, rows: $0, count: count, stride: stride) }
      }
      first += count
    }
  }
}

/// Folds chunks of a ``LaneBatch``'s output into a read-out.
public protocol LaneReducer {
  /// Row `r` of `rows` (at `r * stride`, lane `l` at `+ l`) is the central
  /// amount after step `first + r`, i.e. at grid time index `first + r + 1`.
  mutating func fold(first: Int, rows: UnsafeBufferPointer<Double>, count: Int, stride: Int)
}

/// A reducer that keeps nothing (for timing the kernels alone).
public struct DiscardingReducer: LaneReducer {
  public init() {}
  public mutating func fold(first: Int, rows: UnsafeBufferPointer<Double>, count: Int, stride: Int) {}
}
