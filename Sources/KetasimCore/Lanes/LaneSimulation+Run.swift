extension LaneSimulation {
  /// Output steps advanced per kernel call (bounds the rate and output rows).
  static let chunkSteps = 256

  /// Runs every lane over the whole grid with `kernel`.
  ///
  /// The grid is walked in internal steps on a ``KernelWorkspace``: output
  /// steps without a bolus are batched into one kernel call (when the
  /// internal step is the output step); a bolus is added to the state
  /// between calls and to the value recorded at its time.
  public func run(kernel: Kernel = .auto) -> Result {
    let perLaneSystem = dispositions.count > 1
    let perLaneRate = schedules.count > 1
    let transitions = dispositions.map { $0.transition(overMinutes: internalStep.minutes) }
    let coefficients =
      perLaneSystem
      ? LaneCoefficients(
        perLane: transitions, states: stateCount, stride: LaneCoefficients.stride(lanes: lanes))
      : LaneCoefficients(shared: transitions[0], states: stateCount)
    var observed: [Int32] = [0]
    if let effect = effectSiteIndex { observed.append(Int32(effect)) }
    var workspace = KernelWorkspace(
      coefficients: coefficients, states: stateCount, lanes: lanes, perLaneSystem: perLaneSystem, kernel: kernel,
      observed: observed, outputRows: Self.chunkSteps)
    let rateMode: KernelWorkspace.RateMode = perLaneRate ? .perStep : .shared
    workspace.reserveRates(rateMode, steps: Self.chunkSteps)
    let bolusTimes = Set(schedules.flatMap { $0.breakpoints.filter { $0.bolusMilligrams != 0 }.map(\.time) })
    let inverseVolume = dispositions.map { 1 / $0.parameters.centralVolume }
    let times = grid.times
    let substeps = Int(grid.step.microseconds / internalStep.microseconds)
    let h = internalStep
    var result = Result(
      times: times, lanes: lanes, central: [Double](repeating: 0, count: times.count * lanes),
      effectSite: observed.count > 1 ? [Double](repeating: 0, count: times.count * lanes) : nil)

    func record(timeIndex: Int, row: Int?) {
      let stride = workspace.stride
      let base = (row ?? 0) * observed.count * stride
      for lane in 0..<lanes {
        let amount = row == nil ? workspace.state[lane] : workspace.output[base + lane]
        result.central[timeIndex * lanes + lane] = amount * inverseVolume[perLaneSystem ? lane : 0]
      }
      if result.effectSite != nil, let effectIndex = effectSiteIndex {
        let offset = row == nil ? effectIndex * stride : base + stride
        for lane in 0..<lanes {
          result.effectSite![timeIndex * lanes + lane] =
            row == nil ? workspace.state[offset + lane] : workspace.output[offset + lane]
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
    /// Adds the boluses at `time` to the central amounts, and to recorded
    /// row `row` if given.
    func addBoluses(at time: ClockTime, recordedRow row: Int?) {
      let stride = workspace.stride
      for lane in 0..<lanes {
        for breakpoint in schedules[perLaneRate ? lane : 0].breakpoints where breakpoint.time == time {
          if let row {
            workspace.output[(row * observed.count) * stride + lane] += breakpoint.bolusMilligrams
          } else {
            workspace.state[lane] += breakpoint.bolusMilligrams
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
