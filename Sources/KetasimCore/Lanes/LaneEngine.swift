import CKetasimKernels

/// Drives the C kernels for a ``LaneSimulation``: builds the Φ/Γ arrays,
/// generates each step's infusion rates from the schedules, applies boluses
/// between kernel calls and converts amounts to concentrations.
///
/// All raw pointers of the project live in this file. Every buffer is a Swift
/// array owned by this value, and pointers to it exist only inside the
/// `withUnsafe…` closures that call the kernels.
struct LaneEngine {
  private let simulation: LaneSimulation
  private let kernel: Kernel
  private let states: Int
  private let lanes: Int
  private let stride: Int
  private let perLaneSystem: Bool
  private let perLaneRate: Bool
  private var phi: [Double]
  private var gamma: [Double]
  private var state: [Double]
  private var work: [Double]
  private let observed: [Int32]
  private let inverseVolume: [Double]
  /// Instants at which some lane receives a bolus.
  private let bolusTimes: Set<ClockTime>

  /// Output steps advanced per kernel call (bounds the rate/output buffers).
  private static let chunkSteps = 256

  init(_ simulation: LaneSimulation, kernel: Kernel) {
    precondition(kernel != .auto, "resolve the kernel before building the engine")
    self.simulation = simulation
    self.kernel = kernel
    states = simulation.stateCount
    lanes = simulation.lanes
    stride = LaneCoefficients.stride(lanes: lanes)
    perLaneSystem = simulation.dispositions.count > 1
    perLaneRate = simulation.schedules.count > 1
    let transitions = simulation.dispositions.map { $0.transition(overMinutes: simulation.internalStep.minutes) }
    let coefficients =
      perLaneSystem
      ? LaneCoefficients(perLane: transitions, states: states, stride: stride)
      : LaneCoefficients(shared: transitions[0], states: states)
    phi = coefficients.phi
    gamma = coefficients.gamma
    state = [Double](repeating: 0, count: states * stride)
    work = kernel == .blas ? [Double](repeating: 0, count: 2 * (states + 1) * stride) : []
    var observed: [Int32] = [0]
    if let effect = simulation.effectSiteIndex { observed.append(Int32(effect)) }
    self.observed = observed
    inverseVolume = simulation.dispositions.map { 1 / $0.parameters.centralVolume }
    bolusTimes = Set(
      simulation.schedules.flatMap { $0.breakpoints.filter { $0.bolusMilligrams != 0 }.map(\.time) })
  }

  mutating func run() -> LaneSimulation.Result {
    let times = simulation.grid.times
    let substeps = Int(simulation.grid.step.microseconds / simulation.internalStep.microseconds)
    let h = simulation.internalStep
    var central = [Double](repeating: 0, count: times.count * lanes)
    var effect: [Double]? = observed.count > 1 ? [Double](repeating: 0, count: times.count * lanes) : nil

    // Time zero: boluses at zero, then record.
    applyBoluses(at: .zero)
    record(into: &central, &effect, timeIndex: 0, from: state, row: 0, rowStride: 0)

    var timeIndex = 1
    var now = ClockTime.zero
    var rates = [Double](repeating: 0, count: LaneEngine.chunkSteps * (perLaneRate ? stride : 1))
    var output = [Double](repeating: 0, count: LaneEngine.chunkSteps * observed.count * stride)
    while timeIndex < times.count {
      // Steps until the next bolus or the chunk limit; each recorded step is
      // one output step of `substeps` internal steps.
      let chunkEnd = min(times.count, timeIndex + LaneEngine.chunkSteps)
      var recorded = 0
      var nextBolus = false
      while timeIndex + recorded < chunkEnd && !nextBolus {
        let target = times[timeIndex + recorded]
        var stepsToTarget = Int((target - now).microseconds / h.microseconds)
        // Advance silently for all but the last internal step of this output.
        while stepsToTarget > 1 {
          fillRates(&rates, from: now, steps: 1, step: h)
          advance(steps: 1, rates: rates, output: &output, record: false)
          now = now + h
          stepsToTarget -= 1
          if hasBolus(at: now) { applyBoluses(at: now) }
        }
        if substeps == 1 {
          // Batch consecutive output steps into one kernel call, stopping
          // before a bolus so that it is applied between calls.
          var batch = 0
          var t = now
          while timeIndex + recorded + batch < chunkEnd {
            let next = times[timeIndex + recorded + batch]
            batch += 1
            if hasBolus(at: next) || next - t != h { break }
            t = next
          }
          fillRates(&rates, from: now, steps: batch, step: h)
          advance(steps: batch, rates: rates, output: &output, record: true)
          for b in 0..<batch {
            let time = times[timeIndex + recorded + b]
            if b == batch - 1, hasBolus(at: time) { addBolusToRecorded(&output, row: b, at: time) }
            record(
              into: &central, &effect, timeIndex: timeIndex + recorded + b, from: output, row: b,
              rowStride: observed.count)
          }
          now = times[timeIndex + recorded + batch - 1]
          if hasBolus(at: now) { applyBoluses(at: now) }
          recorded += batch
          nextBolus = false
        } else {
          fillRates(&rates, from: now, steps: 1, step: h)
          advance(steps: 1, rates: rates, output: &output, record: true)
          now = target
          if hasBolus(at: now) {
            addBolusToRecorded(&output, row: 0, at: now)
            applyBoluses(at: now)
          }
          record(
            into: &central, &effect, timeIndex: timeIndex + recorded, from: output, row: 0, rowStride: observed.count)
          recorded += 1
        }
      }
      timeIndex += recorded
    }
    return LaneSimulation.Result(times: times, lanes: lanes, central: central, effectSite: effect)
  }

  // MARK: - Inputs

  private func hasBolus(at time: ClockTime) -> Bool { bolusTimes.contains(time) }

  private mutating func applyBoluses(at time: ClockTime) {
    for lane in 0..<lanes {
      let schedule = simulation.schedules[perLaneRate ? lane : 0]
      for breakpoint in schedule.breakpoints where breakpoint.time == time {
        state[lane] += breakpoint.bolusMilligrams
      }
    }
  }

  private func addBolusToRecorded(_ output: inout [Double], row: Int, at time: ClockTime) {
    for lane in 0..<lanes {
      let schedule = simulation.schedules[perLaneRate ? lane : 0]
      for breakpoint in schedule.breakpoints where breakpoint.time == time {
        output[(row * observed.count) * stride + lane] += breakpoint.bolusMilligrams
      }
    }
  }

  /// Rates (mg/min) held over `steps` steps of length `step` from `start`.
  private func fillRates(_ rates: inout [Double], from start: ClockTime, steps: Int, step: ClockTime) {
    for k in 0..<steps {
      let time = start + step * Int64(k)
      if perLaneRate {
        for lane in 0..<lanes { rates[k * stride + lane] = simulation.schedules[lane].rate(after: time) }
      } else {
        rates[k] = simulation.schedules[0].rate(after: time)
      }
    }
  }

  private func record(
    into central: inout [Double], _ effect: inout [Double]?, timeIndex: Int, from source: [Double], row: Int,
    rowStride: Int
  ) {
    let base = row * rowStride * stride
    for lane in 0..<lanes {
      central[timeIndex * lanes + lane] = source[base + lane] * inverseVolume[perLaneSystem ? lane : 0]
    }
    if effect != nil, let effectIndex = simulation.effectSiteIndex {
      let offset = rowStride == 0 ? effectIndex * stride : base + stride
      for lane in 0..<lanes { effect![timeIndex * lanes + lane] = source[offset + lane] }
    }
  }

  // MARK: - Kernel call

  /// Advances every lane by `steps` internal steps with `rates`; records the
  /// observed states after each step into `output` when `record` is set.
  private mutating func advance(steps: Int, rates: [Double], output: inout [Double], record: Bool) {
    let observedCount = record ? observed.count : 0
    phi.withUnsafeBufferPointer { phi in
      gamma.withUnsafeBufferPointer { gamma in
        rates.withUnsafeBufferPointer { rates in
          observed.withUnsafeBufferPointer { observed in
            output.withUnsafeMutableBufferPointer { output in
              var problem = makeProblem(steps: steps, phi: phi, gamma: gamma, rates: rates)
              problem.observed_count = Int32(observedCount)
              problem.observed = observed.baseAddress
              problem.output = output.baseAddress
              call(&problem)
            }
          }
        }
      }
    }
  }

  private func makeProblem(
    steps: Int, phi: UnsafeBufferPointer<Double>, gamma: UnsafeBufferPointer<Double>,
    rates: UnsafeBufferPointer<Double>
  ) -> ks_lane_problem {
    ks_lane_problem(
      states: Int32(states), per_lane_system: perLaneSystem ? 1 : 0, per_lane_rate: perLaneRate ? 1 : 0,
      observed_count: 0, lanes: Int64(lanes), stride: Int64(stride), steps: Int64(steps),
      phi: phi.baseAddress, gamma: gamma.baseAddress, rate: rates.baseAddress, observed: nil, output: nil)
  }

  private mutating func call(_ problem: inout ks_lane_problem) {
    let kernel = self.kernel
    work.withUnsafeMutableBufferPointer { work in
      state.withUnsafeMutableBufferPointer { state in
        switch kernel {
        case .tiled: ks_advance_tiled(&problem, state.baseAddress)
        case .blas: ks_advance_blas(&problem, state.baseAddress, work.baseAddress)
        case .scalar, .auto: ks_advance_scalar(&problem, state.baseAddress)
        }
      }
    }
  }
}
