/// Exact simulation of one patient at any output times.
///
/// A ``LinearSystem`` (a ``Disposition`` or a ``GeneralDisposition``) is
/// driven by a ``DosingSchedule``; ``Simulation`` is the mammillary case.
///
/// The state is carried from breakpoint to breakpoint of the schedule (where
/// a bolus is given or the infusion rate changes); each output is then the
/// exact transition from the last breakpoint at or before it:
///
/// ```
/// x(t) = Φ(t − b)·x(b) + Γ(t − b)·u(b)
/// ```
///
/// Output times therefore need not coincide with dose times, no step size
/// enters the result, and the value at an instant does not depend on which
/// other instants are asked for: 1-s, 10-s and 1-min grids report identical
/// values at the times they share. A bolus at an output time is given before
/// that time's value is reported.
public struct ExactSimulation<System: LinearSystem>: Sendable {
  public typealias State = System.State
  public let disposition: System
  public let schedule: DosingSchedule
  /// State at time zero before any dose (zero, or a steady state).
  public let initialState: State

  public init(disposition: System, schedule: DosingSchedule, initialState: State = .zero) {
    self.disposition = disposition
    self.schedule = schedule
    self.initialState = initialState
  }

  /// Calls `body` with each output time, the state there, and the infusion
  /// rate in effect from that time on (mg/min).
  ///
  /// - Precondition: `times` is non-decreasing and not negative.
  public func forEachState<Times: Sequence>(
    at times: Times, _ body: (ClockTime, State, Double) throws -> Void
  ) rethrows where Times.Element == ClockTime {
    let breakpoints = schedule.breakpoints
    var next = 0
    var anchor = ClockTime.zero
    var state = initialState
    var rate = 0.0
    var previous = ClockTime.zero
    let (input, fraction) = (disposition.inputIndex, disposition.inputFraction)
    for time in times {
      precondition(time >= previous, "output times must be non-decreasing")
      previous = time
      while next < breakpoints.count, breakpoints[next].time <= time {
        let breakpoint = breakpoints[next]
        if breakpoint.time > anchor {
          state = disposition.transition(overMinutes: (breakpoint.time - anchor).minutes).apply(to: state, rate: rate)
          anchor = breakpoint.time
        }
        state[input] += breakpoint.bolusMilligrams * fraction
        rate = breakpoint.rateAfter
        next += 1
      }
      let value =
        time == anchor
        ? state : disposition.transition(overMinutes: (time - anchor).minutes).apply(to: state, rate: rate)
      try body(time, value, rate)
    }
  }

  /// States at `times` (see ``forEachState(at:_:)``).
  @_specialize(where System == Disposition)
  @_specialize(where System == GeneralDisposition)
  public func states(at times: [ClockTime]) -> [State] {
    var result: [State] = []
    result.reserveCapacity(times.count)
    forEachState(at: times) { _, state, _ in result.append(state) }
    return result
  }
}

/// The exact simulation of a mammillary model (the catalogue's models).
public typealias Simulation = ExactSimulation<Disposition>

extension ExactSimulation where System == Disposition {
  /// Plasma (central) concentrations at `times`, in mg/L.
  public func centralConcentrations(at times: [ClockTime]) -> [Double] {
    let v1 = disposition.parameters.centralVolume
    return states(at: times).map { $0[0] / v1 }
  }

  /// Drug in the body (mg) in `state`: the sum of compartment amounts.
  public func amountInBody(_ state: SIMD4<Double>) -> Double {
    var total = 0.0
    for index in 0..<disposition.parameters.compartmentCount { total += state[index] }
    return total
  }
}
