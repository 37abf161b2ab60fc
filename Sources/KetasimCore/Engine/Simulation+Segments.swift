extension ExactSimulation {
  /// A stretch of constant input between two breakpoints of the schedule.
  public struct Segment: Sendable {
    /// Start of the segment, after the boluses given there.
    public var start: ClockTime
    /// Length of the segment.
    public var length: ClockTime
    /// State at the start, after boluses.
    public var state: State
    /// Infusion rate over the segment (mg/min).
    public var rate: Double
  }

  /// The segments that cover `[0, end]`: one per stretch of constant input,
  /// cut at every breakpoint of the schedule and at `end`.
  ///
  /// Within a segment the exact state at offset `Δ` minutes is
  /// ``state(in:atOffsetMinutes:)``, which the read-out's root finding
  /// evaluates at any real `Δ`, not only at whole microseconds.
  @_specialize(where System == Disposition)
  @_specialize(where System == GeneralDisposition)
  public func segments(through end: ClockTime) -> [Segment] {
    let inner = schedule.breakpoints.map(\.time).filter { $0 > .zero && $0 < end }
    let cuts = [ClockTime.zero] + inner + (end > .zero ? [end] : [])
    var result: [Segment] = []
    forEachState(at: cuts) { time, state, rate in
      if var last = result.popLast() {
        last.length = time - last.start
        result.append(last)
      }
      if time < end { result.append(Segment(start: time, length: .zero, state: state, rate: rate)) }
    }
    return result
  }

  /// The state at `end`, after any bolus given at `end`, from the last of `segments` (the result of
  /// ``segments(through:)`` for the same `end`): one transition instead of a propagation from time zero,
  /// equal bit for bit to `states(at: [end])`, which it falls back to when there is no segment.
  public func state(at end: ClockTime, after segments: [Segment]) -> State {
    guard let last = segments.last else { return states(at: [end])[0] }
    precondition(last.start + last.length == end, "the segments must be those through \(end)")
    var state = disposition.transition(overMinutes: last.length.minutes).apply(to: last.state, rate: last.rate)
    for breakpoint in schedule.breakpoints where breakpoint.time == end {
      state[disposition.inputIndex] += breakpoint.bolusMilligrams * disposition.inputFraction
    }
    return state
  }

  /// The exact state `offset` minutes into `segment` (0 ≤ offset; beyond
  /// the segment's length the same input is assumed to continue).
  public func state(in segment: Segment, atOffsetMinutes offset: Double) -> State {
    disposition.transition(overMinutes: offset).apply(to: segment.state, rate: segment.rate)
  }
}
