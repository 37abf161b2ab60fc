import CKetasimKernels

/// The lane buffers of the C kernels and the only Swift code that calls them.
///
/// A workspace owns everything a kernel call reads or writes: the one-step
/// coefficients Φ and Γ (``LaneCoefficients``), the state of every lane, the
/// input rates, the recorded output rows and the BLAS kernel's scratch.
/// Every buffer is a Swift array owned by this value; raw pointers to them
/// exist only inside the `withUnsafe…` closures of the `KernelWorkspace*`
/// files, for the duration of one kernel call.
///
/// Layout (structure of arrays, lane-contiguous, rows of ``stride``):
///
/// - ``state``: `state[i · stride + lane]` is state `i` of `lane` (amounts
///   in mg, the effect site in mg/L);
/// - ``rates`` (mg/min), by ``RateMode``: ``RateMode/shared`` one value per
///   step, ``RateMode/perStep`` one row per step, ``RateMode/held`` one row
///   held over every step of a call;
/// - ``output``: `output[(k · observedCount + o) · stride + lane]` is
///   observed state `o` of `lane` after step `k` of a call (plus the call's
///   first row).
///
/// Constants come from the C header: ``tileLanes`` is `KS_TILE_LANES`,
/// ``maximumStates`` is `KS_MAX_STATES`.
@_spi(Benchmarks)
public struct KernelWorkspace {
  /// Lanes per register tile of the tiled kernel (`KS_TILE_LANES`); every
  /// ``stride`` is a multiple.
  public static let tileLanes = Int(KS_TILE_LANES)

  /// Largest state dimension the kernels accept (`KS_MAX_STATES`).
  public static let maximumStates = Int(KS_MAX_STATES)

  /// How ``rates`` is laid out for a call (`ks_rate_mode`).
  public enum RateMode: Sendable {
    /// One rate per step, the same for every lane (`KS_RATE_SHARED`).
    case shared
    /// One row of ``stride`` rates per step (`KS_RATE_PER_STEP`).
    case perStep
    /// One row of ``stride`` rates held over every step (`KS_RATE_HELD`).
    case held

    var cValue: ks_rate_mode {
      switch self {
      case .shared: KS_RATE_SHARED
      case .perStep: KS_RATE_PER_STEP
      case .held: KS_RATE_HELD
      }
    }
  }

  /// States per lane (1 … ``maximumStates``).
  public let states: Int
  /// Lanes that matter.
  public let lanes: Int
  /// Row length of every per-lane buffer: `lanes` rounded up to whole tiles.
  public let stride: Int
  /// Whether Φ and Γ differ between lanes.
  public let perLaneSystem: Bool
  /// The kernel every call runs (never ``Kernel/auto``).
  public let kernel: Kernel
  /// The tiled kernel's version (runtime CPU dispatch); the other kernels
  /// ignore it.
  public let instructionSet: InstructionSet
  /// Steps per product of the blocked BLAS formulation
  /// (`ks_advance_blas_blocked`, shared systems only), or 0 for one
  /// `cblas_dgemm` per step; only ``Kernel/blas`` reads it.
  public var blasBlock: Int { Int(blockSteps) }
  /// ``blasBlock`` as stored: 32 bits, beside the one-byte fields, so that
  /// the workspace is no larger than before the blocked formulation (a
  /// larger value cost the W4 lanes benchmark one heap allocation).
  private let blockSteps: Int32
  /// State indices recorded per output row (plasma first).
  private let observed: [Int32]
  private let phi: [Double]
  private let gamma: [Double]
  /// Scratch of the BLAS kernel: `2 · (states + 1) · stride` doubles, or
  /// empty for the other kernels.
  private var work: [Double]

  /// The lanes' states, `state[i · stride + lane]`.
  var state: [Double]
  /// The input rates (mg/min) in the layout of the next call's ``RateMode``;
  /// sized by ``reserveRates(_:steps:)``.
  var rates: [Double] = []
  /// Recorded rows, `output[(k · observedCount + o) · stride + lane]`.
  var output: [Double]

  /// Rows recorded per step (the observed states).
  public var observedCount: Int { observed.count }

  /// - Parameters:
  ///   - coefficients: Φ and Γ, shared (`perLaneSystem` false) or laid out
  ///     per lane in rows of `stride`.
  ///   - states: states per lane, 1 … ``maximumStates``.
  ///   - lanes: lanes that matter, at least 1.
  ///   - perLaneSystem: whether `coefficients` is per lane.
  ///   - kernel: the kernel to run; ``Kernel/auto`` is resolved here.
  ///   - observed: state indices recorded per step (`0` is the central
  ///     compartment).
  ///   - outputRows: steps of output the buffer holds.
  ///   - instructionSet: the tiled kernel's version, one this CPU runs
  ///     (traps otherwise); by default the process's
  ///     ``InstructionSet/selected``.
  ///   - blasBlock: steps per product of the blocked BLAS formulation (0:
  ///     one product per step), with shared coefficients only; `nil`: what
  ///     ``Kernel/choice(states:lanes:perLaneParameters:instructionSet:)``
  ///     says (blocked only when ``Kernel/auto`` picks BLAS).
  public init(
    coefficients: LaneCoefficients, states: Int, lanes: Int, perLaneSystem: Bool, kernel: Kernel,
    observed: [Int32], outputRows: Int, instructionSet: InstructionSet = .selected, blasBlock: Int? = nil
  ) {
    let choice = kernel.choice(
      states: states, lanes: lanes, perLaneParameters: perLaneSystem, instructionSet: instructionSet)
    let blasBlock = blasBlock ?? choice.blasBlock
    precondition(
      (0...4096).contains(blasBlock) && (blasBlock == 0 || !perLaneSystem),
      "blocked BLAS: 0 to 4096 steps, shared coefficients only")
    blockSteps = Int32(blasBlock)
    precondition(instructionSet.isSupported, "this CPU does not run \(instructionSet.rawValue)")
    precondition((1...Self.maximumStates).contains(states), "1 to \(Self.maximumStates) states")
    precondition(lanes >= 1 && outputRows >= 0, "at least one lane and a non-negative row count")
    precondition(observed.allSatisfy { (0..<Int32(states)).contains($0) }, "observed states out of range")
    self.states = states
    self.lanes = lanes
    stride = LaneCoefficients.stride(lanes: lanes)
    self.perLaneSystem = perLaneSystem
    self.instructionSet = instructionSet
    self.kernel = choice.kernel
    precondition(
      coefficients.phi.count == states * states * (perLaneSystem ? stride : 1)
        && coefficients.gamma.count == states * (perLaneSystem ? stride : 1),
      "coefficients do not match the states and lanes")
    phi = coefficients.phi
    gamma = coefficients.gamma
    state = [Double](repeating: 0, count: states * stride)
    work = self.kernel == .blas && blasBlock == 0 ? [Double](repeating: 0, count: 2 * (states + 1) * stride) : []
    output = [Double](repeating: 0, count: outputRows * observed.count * stride)
    self.observed = observed
  }

  /// Sizes ``rates`` for `steps` steps in `mode` (allocates only when the
  /// size changes; the contents are then zero).
  public mutating func reserveRates(_ mode: RateMode, steps: Int) {
    let count =
      switch mode {
      case .shared: steps
      case .perStep: steps * stride
      case .held: stride
      }
    if rates.count != count { rates = [Double](repeating: 0, count: count) }
  }

  /// Sets every state of every lane to zero.
  public mutating func resetState() {
    for index in state.indices { state[index] = 0 }
  }

  /// The sum of every lane's central amount (mg; a checksum).
  public func centralSum() -> Double { state[0..<lanes].reduce(0, +) }

  // MARK: - Advancing

  /// Advances every lane `steps` steps with ``rates`` laid out as `mode`;
  /// with `record`, writes the observed states after each step into
  /// ``output`` from row `firstRow` on (rows of `observedCount · stride`).
  public mutating func advance(steps: Int, rates mode: RateMode, record: Bool, firstRow: Int = 0) {
    // A second reference to the buffer (no copy): `call` mutates `self`.
    let rates = self.rates
    rates.withUnsafeBufferPointer { rates in
      call(steps: steps, mode: mode, rate: rates.baseAddress, record: record, firstRow: firstRow)
    }
  }

  /// Advances every lane `steps` steps with the shared input
  /// `sharedRates[first ..< first + steps]` (mg/min), which the caller owns.
  public mutating func advance(steps: Int, sharedRates: [Double], from first: Int, record: Bool) {
    precondition(first >= 0 && first + steps <= sharedRates.count, "rates do not cover the steps")
    sharedRates.withUnsafeBufferPointer { rates in
      call(steps: steps, mode: .shared, rate: rates.baseAddress! + first, record: record, firstRow: 0)
    }
  }

  /// The one kernel call: builds the `ks_lane_problem` over the buffers.
  private mutating func call(
    steps: Int, mode: RateMode, rate: UnsafePointer<Double>?, record: Bool, firstRow: Int
  ) {
    let rowLength = observed.count * stride
    precondition(steps >= 0, "a negative step count")
    precondition(!record || (firstRow + steps) * rowLength <= output.count, "output rows do not fit")
    let (states, lanes, stride, kernel) = (self.states, self.lanes, self.stride, self.kernel)
    let instructionSet = self.instructionSet.cValue
    let blasBlock = blockSteps
    let perLaneSystem: Int32 = self.perLaneSystem ? 1 : 0
    let observedCount = Int32(record ? observed.count : 0)
    phi.withUnsafeBufferPointer { phi in
      gamma.withUnsafeBufferPointer { gamma in
        observed.withUnsafeBufferPointer { observed in
          output.withUnsafeMutableBufferPointer { output in
            work.withUnsafeMutableBufferPointer { work in
              state.withUnsafeMutableBufferPointer { state in
                var problem = ks_lane_problem(
                  states: Int32(states), per_lane_system: perLaneSystem, rate_mode: mode.cValue,
                  observed_count: observedCount, lanes: Int64(lanes), stride: Int64(stride), steps: Int64(steps),
                  phi: phi.baseAddress, gamma: gamma.baseAddress, rate: rate, observed: observed.baseAddress,
                  output: record ? output.baseAddress! + firstRow * rowLength : nil)
                switch kernel {
                case .tiled: ks_advance_tiled_isa(&problem, state.baseAddress, instructionSet)
                case .blas where blasBlock > 0:
                  let done = ks_advance_blas_blocked(&problem, state.baseAddress, blasBlock)
                  precondition(done == 1, "blocked BLAS kernel: out of memory")
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
