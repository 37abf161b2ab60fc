extension LaneSimulation {

  /// Runs every lane over the whole grid with `kernel`.
  ///
  /// The grid is walked in internal steps on a ``KernelWorkspace``: output
  /// steps without a bolus are batched into one kernel call (when the
  /// internal step is the output step); a bolus is added to the state
  /// between calls and to the value recorded at its time. `instructionSet`
  /// is the tiled kernel's version (and enters ``Kernel/auto``'s choice).
  public func run(kernel: Kernel = .auto, instructionSet: InstructionSet = .selected) -> Result {
    let perLaneSystem = dispositions.count > 1
    let h = internalStep.minutes
    let coefficients: LaneCoefficients
    if perLaneSystem {
      coefficients = LaneCoefficients(
        perLane: dispositions.map { $0.transition(overMinutes: h) }, states: stateCount,
        stride: LaneCoefficients.stride(lanes: lanes))
    } else {
      coefficients = LaneCoefficients(shared: dispositions[0].transition(overMinutes: h), states: stateCount)
    }
    let observations = dispositions[0].observations
    // [observation][lane or 0]
    let inverseVolume = observations.indices.map { k in dispositions.map { $0.observations[k].inverseVolume } }
    let run = LaneRun(
      coefficients: coefficients, states: stateCount, lanes: lanes, perLaneSystem: perLaneSystem,
      observed: observations.map { Int32($0.stateIndex) }, inverseVolume: inverseVolume,
      input: dispositions[0].inputIndex, inputFraction: dispositions[0].inputFraction, schedules: schedules, grid: grid,
      internalStep: internalStep)
    return run.run(kernel: kernel, instructionSet: instructionSet)
  }
}

/// The grid walk of ``LaneSimulation/run(kernel:)`` once the model's coefficients are known: not generic,
/// so that it is compiled once for every model structure.
struct LaneRun {
  /// Output steps advanced per kernel call (bounds the rate and output rows).
  static var chunkSteps: Int { 256 }

  let coefficients: LaneCoefficients
  let states: Int
  let lanes: Int
  let perLaneSystem: Bool
  /// State indices recorded, one per observation.
  let observed: [Int32]
  /// `1/V` per observation, per lane (or one shared).
  let inverseVolume: [[Double]]
  /// The state doses enter, and the part of each dose that does.
  let input: Int
  let inputFraction: Double
  let schedules: [DosingSchedule]
  let grid: TimeGrid
  let internalStep: ClockTime

  func run(kernel: Kernel, instructionSet: InstructionSet = .selected) -> LaneResult {
    let stateCount = states
    let perLaneRate = schedules.count > 1
    var workspace = KernelWorkspace(
      coefficients: coefficients, states: stateCount, lanes: lanes, perLaneSystem: perLaneSystem, kernel: kernel,
      observed: observed, outputRows: Self.chunkSteps, instructionSet: instructionSet)
    let rateMode: KernelWorkspace.RateMode = perLaneRate ? .perStep : .shared
    workspace.reserveRates(rateMode, steps: Self.chunkSteps)
    let bolusTimes = Set(schedules.flatMap { $0.breakpoints.filter { $0.bolusMilligrams != 0 }.map(\.time) })
    let times = grid.times
    let substeps = Int(grid.step.microseconds / internalStep.microseconds)
    let h = internalStep
    var result = LaneResult(
      times: times, lanes: lanes,
      values: observed.map { _ in [Double](repeating: 0, count: times.count * lanes) })

    func record(timeIndex: Int, row: Int?) {
      let stride = workspace.stride
      let base = (row ?? 0) * observed.count * stride
      for k in observed.indices {
        let offset = row == nil ? Int(observed[k]) * stride : base + k * stride
        let factors = inverseVolume[k]
        for lane in 0..<lanes {
          let x = row == nil ? workspace.state[offset + lane] : workspace.output[offset + lane]
          // An effect site's state is mg/L already (factor 1): stored as is, as before the general engine.
          let factor = factors[perLaneSystem ? lane : 0]
          result.values[k][timeIndex * lanes + lane] = factor == 1 ? x : x * factor
        }
      }
    }
    /// Rates (mg/min) held over `steps` internal steps from `start`.
    func fillRates(from start: ClockTime, steps: Int) {
      let stride = workspace.stride
      for k in 0..<steps {
        let time = start + h * Int64(k)
        if perLaneRate {
          for lane in 0..<lanes { workspace.rates[k * stride + lane] = schedules[lane].rate(after: time) }
        } else {
          workspace.rates[k] = schedules[0].rate(after: time)
        }
      }
    }
    /// Adds the boluses at `time` to the input compartment's amounts, and
    /// to recorded row `row` if given (where an observation reads it).
    let recordedInput = observed.firstIndex(of: Int32(input))
    func addBoluses(at time: ClockTime, recordedRow row: Int?) {
      let stride = workspace.stride
      for lane in 0..<lanes {
        for breakpoint in schedules[perLaneRate ? lane : 0].breakpoints where breakpoint.time == time {
          if let row {
            if let k = recordedInput {
              workspace.output[(row * observed.count + k) * stride + lane] += breakpoint.bolusMilligrams * inputFraction
            }
          } else {
            workspace.state[input * stride + lane] += breakpoint.bolusMilligrams * inputFraction
          }
        }
      }
    }

    // Time zero: boluses at zero, then record.
    addBoluses(at: .zero, recordedRow: nil)
    record(timeIndex: 0, row: nil)

    var timeIndex = 1
    var now = ClockTime.zero
    while timeIndex < times.count {
      // Output steps up to the chunk limit; each is `substeps` internal steps.
      let chunkEnd = min(times.count, timeIndex + Self.chunkSteps)
      var recorded = 0
      while timeIndex + recorded < chunkEnd {
        let target = times[timeIndex + recorded]
        var stepsToTarget = Int((target - now).microseconds / h.microseconds)
        // Advance silently for all but the last internal step of this output.
        while stepsToTarget > 1 {
          fillRates(from: now, steps: 1)
          workspace.advance(steps: 1, rates: rateMode, record: false)
          now = now + h
          stepsToTarget -= 1
          if bolusTimes.contains(now) { addBoluses(at: now, recordedRow: nil) }
        }
        if substeps == 1 {
          // Batch consecutive output steps into one kernel call, stopping
          // before a bolus so that it is applied between calls.
          var batch = 0
          var t = now
          while timeIndex + recorded + batch < chunkEnd {
            let next = times[timeIndex + recorded + batch]
            batch += 1
            if bolusTimes.contains(next) || next - t != h { break }
            t = next
          }
          fillRates(from: now, steps: batch)
          workspace.advance(steps: batch, rates: rateMode, record: true)
          for b in 0..<batch {
            let time = times[timeIndex + recorded + b]
            if b == batch - 1, bolusTimes.contains(time) { addBoluses(at: time, recordedRow: b) }
            record(timeIndex: timeIndex + recorded + b, row: b)
          }
          now = times[timeIndex + recorded + batch - 1]
          if bolusTimes.contains(now) { addBoluses(at: now, recordedRow: nil) }
          recorded += batch
        } else {
          fillRates(from: now, steps: 1)
          workspace.advance(steps: 1, rates: rateMode, record: true)
          now = target
          if bolusTimes.contains(now) {
            addBoluses(at: now, recordedRow: 0)
            addBoluses(at: now, recordedRow: nil)
          }
          record(timeIndex: timeIndex + recorded, row: 0)
          recorded += 1
        }
      }
      timeIndex += recorded
    }
    return result
  }
}
