/// Streams lanes with their own parameters and doses through a uniform
/// output grid one block of output times at a time, keeping only that block.
///
/// This is the population path: memory is one block of outputs per lane,
/// never lanes × times. Every lane advances by the exact one-step transition
/// of the *output* step, `x ← Φ_l(h)x + Γ_l(h)u_l`, in the tiled kernel with
/// per-lane Φ and per-lane rates held over each call. Dose events are
/// handled per lane, so that a lane's values depend only on its own
/// parameters and schedule (never on which other lanes share the run, a
/// chunk or a thread):
///
/// - an event at an output time is applied after that step is recorded,
///   and a bolus there is included in that time's value (as ``Simulation``
///   reports it);
/// - a lane with events strictly inside an output step (and every lane in a
///   final step shorter than the grid step) is advanced through that step
///   exactly from event to event with its system's transitions,
///   overwriting what the kernel computed for it.
///
/// The buffers (Φ, Γ, states, held rates, one block of output rows) are a
/// ``KernelWorkspace`` owned by this object, which makes the kernel calls.
///
/// Thread safety: an instance is used by one thread at a time (the caller
/// hands each instance to one worker per phase); hence `@unchecked Sendable`.
final class LaneStream<System: LinearSystem>: @unchecked Sendable {
  /// One dose event of one lane.
  struct Event {
    var time: ClockTime
    var lane: Int
    var bolus: Double
    var rateAfter: Double
  }

  let lanes: Int
  let stride: Int
  let states: Int
  /// Rows recorded per output time: plasma, the effect site if any, then the extra sites.
  let observedCount: Int
  /// The state doses enter, and its slot among the recorded rows (if recorded).
  private let inputIndex: Int
  /// The part of each dose that enters.
  private let inputFraction: Double
  private let inputSlot: Int?
  /// The state indices recorded (plasma, effect site).
  private let observed: [Int]
  /// Output rows one block can hold.
  let rowCapacity: Int
  private let grid: TimeGrid
  private let dispositions: [System]
  /// ng/mL per state unit, per lane: 1000/V1 (plasma); and the effect site's (1000 for the mammillary
  /// models' mg/L state).
  private let plasmaScale: [Double]
  private let effectScales: [Double]
  /// Slots before the extra sites (plasma, effect site), and the extra sites' ng/mL per state unit per lane.
  private let baseSlots: Int
  private let extraScales: [[Double]]
  /// Per-lane Φ and Γ, the states, the held rates (one row) and
  /// `rowCapacity · observedCount` output rows (state units).
  private var workspace: KernelWorkspace
  private let events: [Event]
  private var nextEvent = 0
  private var now = ClockTime.zero
  /// Output index of row 0 of the current block.
  private(set) var blockStart = 0
  private var nextIndex = 0
  // Scratch for lanes advanced exactly through a step (reused).
  private var specialLanes: [Int] = []
  private var savedStates: [System.State] = []
  /// The time each special lane's saved state is at, and each lane's slot among the special lanes.
  private var savedTimes: [ClockTime] = []
  private var slotOfLane: [Int]

  /// - Parameters:
  ///   - dispositions: one per lane.
  ///   - schedules: one per lane.
  ///   - grid: the output grid.
  ///   - rowCapacity: output times per block.
  ///   - extraSites: further observations to record after plasma and the effect site (a metabolite's), each
  ///     observed by every lane.
  init(
    dispositions: [System], schedules: [DosingSchedule], grid: TimeGrid, rowCapacity: Int,
    extraSites: [Observation.Site] = []
  ) {
    precondition(!dispositions.isEmpty && dispositions.count == schedules.count, "one schedule per lane")
    precondition(rowCapacity >= 1, "a block holds at least one output time")
    let structure = dispositions[0]
    let plasma = structure.observation(.plasma)
    let effect = structure.observation(.effectSite)
    let base = [plasma?.stateIndex ?? 0] + (effect.map { [$0.stateIndex] } ?? [])
    let extras = extraSites.map { site in
      guard let observation = structure.observation(site) else { preconditionFailure("no observation \(site)") }
      return observation
    }
    let observed = base + extras.map(\.stateIndex)
    precondition(
      dispositions.allSatisfy { lane in
        lane.stateCount == structure.stateCount && lane.inputIndex == structure.inputIndex
          && lane.inputFraction == structure.inputFraction
          && lane.observation(.plasma)?.stateIndex == plasma?.stateIndex
          && lane.observation(.effectSite)?.stateIndex == effect?.stateIndex
          && extras.allSatisfy { lane.observation($0.site)?.stateIndex == $0.stateIndex }
      },
      "lanes of one stream share their model structure")
    lanes = dispositions.count
    slotOfLane = [Int](repeating: 0, count: dispositions.count)
    stride = LaneCoefficients.stride(lanes: lanes)
    let states = structure.stateCount
    self.states = states
    self.observed = observed
    observedCount = observed.count
    inputIndex = structure.inputIndex
    inputFraction = structure.inputFraction
    inputSlot = observed.firstIndex(of: structure.inputIndex)
    self.rowCapacity = rowCapacity
    self.grid = grid
    self.dispositions = dispositions
    plasmaScale = dispositions.map { $0.observation(.plasma)?.scale ?? .nan }
    // The mammillary effect site's state is mg/L: a factor 1000 for every lane.
    effectScales = dispositions.map { $0.observation(.effectSite)?.scale ?? 1000 }
    baseSlots = base.count
    extraScales = extraSites.map { site in dispositions.map { $0.observation(site)?.scale ?? .nan } }
    let coefficients = LaneCoefficients(
      perLane: dispositions.map { $0.transition(overMinutes: grid.step.minutes) }, states: states, stride: stride)
    workspace = KernelWorkspace(
      coefficients: coefficients, states: states, lanes: lanes, perLaneSystem: true, kernel: .tiled,
      observed: observed.map { Int32($0) }, outputRows: rowCapacity)
    workspace.reserveRates(.held, steps: 1)
    var events: [Event] = []
    for (lane, schedule) in schedules.enumerated() {
      for b in schedule.breakpoints where b.time <= grid.end {
        events.append(Event(time: b.time, lane: lane, bolus: b.bolusMilligrams, rateAfter: b.rateAfter))
      }
    }
    events.sort { ($0.time, $0.lane) < ($1.time, $1.lane) }
    self.events = events
    specialLanes.reserveCapacity(lanes)
    savedStates.reserveCapacity(lanes)
    savedTimes.reserveCapacity(lanes)
  }

  /// The time of the next dose event not yet applied (``ClockTime/limit`` when there is none).
  var nextEventTime: ClockTime { nextEvent < events.count ? events[nextEvent].time : .limit }

  // MARK: - Advancing

  /// Computes the output times `range` (which must follow the previous
  /// block) into rows `0..<range.count`.
  func advance(_ range: Range<Int>) {
    precondition(range.lowerBound == nextIndex && range.count <= rowCapacity, "blocks must follow each other")
    blockStart = range.lowerBound
    var j = range.lowerBound
    if j == 0 {
      applyEvents(at: .zero, recordedRow: nil)
      recordState(row: 0)
      j = 1
    }
    while j < range.upperBound {
      let previous = grid[j - 1]
      let fullStep = grid[j] - previous == grid.step
      let nextTime = nextEvent < events.count ? events[nextEvent].time : ClockTime.limit
      if fullStep && nextTime >= grid[j] {
        // Whole steps with no event inside any of them: one kernel call up
        // to the next event (on the grid) or the end of the block.
        var k = 1
        while j + k < range.upperBound, grid[j + k - 1] < nextTime, grid[j + k] - grid[j + k - 1] == grid.step,
          nextTime >= grid[j + k]
        {
          k += 1
        }
        callKernel(steps: k, firstRow: j - blockStart)
        now = grid[j + k - 1]
        j += k
      } else {
        stepExactly(to: j, fullStep: fullStep)
        now = grid[j]
        j += 1
      }
      applyEvents(at: now, recordedRow: j - 1 - blockStart)
    }
    nextIndex = range.upperBound
  }

  /// Applies the events at `time` (boluses into the central compartment,
  /// new rates); a bolus is also added to the recorded row, if any.
  private func applyEvents(at time: ClockTime, recordedRow: Int?) {
    while nextEvent < events.count, events[nextEvent].time == time {
      let event = events[nextEvent]
      workspace.state[inputIndex * stride + event.lane] += event.bolus * inputFraction
      if let row = recordedRow, let slot = inputSlot {
        workspace.output[(row * observedCount + slot) * stride + event.lane] += event.bolus * inputFraction
      }
      workspace.rates[event.lane] = event.rateAfter
      nextEvent += 1
    }
  }

  /// Output step `j` when some lane has an event strictly inside it, or the
  /// step is a final partial one: the kernel advances every lane, then the
  /// lanes with events (all lanes for a partial step) are recomputed exactly.
  private func stepExactly(to j: Int, fullStep: Bool) {
    let start = grid[j - 1]
    let end = grid[j]
    specialLanes.removeAll(keepingCapacity: true)
    savedStates.removeAll(keepingCapacity: true)
    if fullStep {
      var index = nextEvent
      while index < events.count, events[index].time < end {
        specialLanes.append(events[index].lane)
        index += 1
      }
      specialLanes.sort()
      var unique = 0
      for lane in specialLanes where unique == 0 || specialLanes[unique - 1] != lane {
        specialLanes[unique] = lane
        unique += 1
      }
      specialLanes.removeLast(specialLanes.count - unique)
    } else {
      specialLanes.append(contentsOf: 0..<lanes)
    }
    savedTimes.removeAll(keepingCapacity: true)
    for (slot, lane) in specialLanes.enumerated() {
      savedStates.append(laneState(lane))
      savedTimes.append(start)
      slotOfLane[lane] = slot
    }
    if fullStep { callKernel(steps: 1, firstRow: j - blockStart) }
    // Events inside the step, in time order: each moves its own lane from where that lane's last event left it
    // (one pass over the events, not one per lane; the rates row holds each lane's current rate meanwhile).
    while nextEvent < events.count, events[nextEvent].time < end {
      let event = events[nextEvent]
      let slot = slotOfLane[event.lane]
      let elapsed = (event.time - savedTimes[slot]).minutes
      var x = dispositions[event.lane].transition(overMinutes: elapsed).apply(
        to: savedStates[slot], rate: workspace.rates[event.lane])
      x[inputIndex] += event.bolus * inputFraction
      savedStates[slot] = x
      savedTimes[slot] = event.time
      workspace.rates[event.lane] = event.rateAfter
      nextEvent += 1
    }
    let row = (j - blockStart) * observedCount * stride
    for (slot, lane) in specialLanes.enumerated() {
      let x = dispositions[lane].transition(overMinutes: (end - savedTimes[slot]).minutes).apply(
        to: savedStates[slot], rate: workspace.rates[lane])
      setLaneState(lane, x)
      for (slot, index) in observed.enumerated() { workspace.output[row + slot * stride + lane] = x[index] }
    }
  }

  private func laneState(_ lane: Int) -> System.State {
    var x = System.State.zero
    for i in 0..<states { x[i] = workspace.state[i * stride + lane] }
    return x
  }

  private func setLaneState(_ lane: Int, _ x: System.State) {
    for i in 0..<states { workspace.state[i * stride + lane] = x[i] }
  }

  private func recordState(row: Int) {
    let base = row * observedCount * stride
    for (slot, index) in observed.enumerated() {
      for lane in 0..<lanes { workspace.output[base + slot * stride + lane] = workspace.state[index * stride + lane] }
    }
  }

  // MARK: - Reading a block

  /// Copies output row `row`'s `site` (0 plasma, 1 effect site if any, then the extra sites) in their unit
  /// into `values[offset..<offset + lanes]`.
  ///
  /// `+ 0.0` turns a −0.0 into +0.0, so that minima and maxima do not depend
  /// on the order values are compared in.
  func copyRow(_ row: Int, site: Int, into values: inout [Double], at offset: Int) {
    workspace.copyOutput(row: row, slot: site, scales: scales(site: site), into: &values, at: offset)
  }

  /// Copies output row `row`'s `site` of every stream of `streams`, one after the other, into `values` (which
  /// must hold all their lanes): the whole population's row when the streams are its parts.
  static func copyRow(_ row: Int, site: Int, of streams: [LaneStream], into values: inout [Double]) {
    var offset = 0
    for stream in streams {
      stream.copyRow(row, site: site, into: &values, at: offset)
      offset += stream.lanes
    }
  }

  /// Scans output row `row`'s `site` (as ``copyRow(_:site:into:at:)`` gives it) against `brackets` and
  /// `thresholds`, adding to `counts` (the bands' fast path: the row is read once, where the kernel left it).
  func scanRow(_ row: Int, site: Int, thresholds: [Double], brackets: BandBrackets, into counts: inout BandCounts) {
    workspace.scanOutput(
      row: row, slot: site, scales: scales(site: site), thresholds: thresholds, brackets: brackets, into: &counts)
  }

  /// Each lane's ng/mL per state unit at `site`.
  private func scales(site: Int) -> [Double] {
    site == 0 ? plasmaScale : site >= baseSlots ? extraScales[site - baseSlots] : effectScales
  }

  // MARK: - Kernel call

  /// Advances every lane `steps` output steps with the held rates, recording
  /// the observed states into rows `firstRow…`.
  private func callKernel(steps: Int, firstRow: Int) {
    workspace.advance(steps: steps, rates: .held, record: true, firstRow: firstRow)
  }
}
