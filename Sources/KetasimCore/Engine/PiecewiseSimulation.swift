/// Exact simulation of one patient whose model changes during the run: covariates that change within a subject
/// (a weight recorded on each visit), each span propagated exactly by the model in force.
///
/// The model is piecewise constant in time: piece *k* holds from its ``Piece/start`` until the next piece's.
/// The state (amounts in mg, in the layout every piece shares: the same structure, other parameter values) is
/// carried unchanged across a change of model, as NONMEM and mrgsolve carry compartment amounts when a covariate
/// changes, and each span between consecutive breakpoints (a dose, a rate change, a change of model, an output) is
/// the exact transition of the model in force:
///
/// ```
/// x(t) = Φₖ(t − b)·x(b) + Γₖ(t − b)·u(b)
/// ```
///
/// With one piece this is ``ExactSimulation`` (same breakpoints, same transitions). No step size enters, so 1 s,
/// 10 s and 1 min outputs agree at the times they share.
public struct PiecewiseSimulation: Sendable {
  /// One model and the time from which it holds.
  public struct Piece: Sendable {
    /// When this model starts to hold (the first piece holds from time zero, whatever its start).
    public var start: ClockTime
    public var system: GeneralDisposition

    public init(start: ClockTime, system: GeneralDisposition) {
      self.start = start
      self.system = system
    }
  }

  /// The models in time order.
  public let pieces: [Piece]
  public let schedule: DosingSchedule

  /// - Precondition: at least one piece, starts non-decreasing, every piece with the first's state count,
  ///   input compartment and input fraction.
  public init(pieces: [Piece], schedule: DosingSchedule) {
    precondition(!pieces.isEmpty, "a piecewise simulation needs a model")
    precondition(zip(pieces, pieces.dropFirst()).allSatisfy { $0.start <= $1.start }, "pieces in time order")
    let first = pieces[0].system
    precondition(
      pieces.allSatisfy {
        $0.system.stateCount == first.stateCount && $0.system.inputIndex == first.inputIndex
          && $0.system.inputFraction == first.inputFraction
      }, "every piece has the same structure")
    self.pieces = pieces
    self.schedule = schedule
  }

  /// Calls `body` with each output time's position in `times` and the state there (after any dose at that
  /// time), and the index of the piece in force just after it.
  ///
  /// - Precondition: `times` is non-decreasing and not negative.
  public func forEachState(
    at times: [ClockTime], _ body: (_ position: Int, _ state: SIMD16<Double>, _ piece: Int) throws -> Void
  ) rethrows {
    let breakpoints = schedule.breakpoints
    var (nextBreakpoint, piece) = (0, 0)
    var anchor = ClockTime.zero
    var state = SIMD16<Double>.zero
    var rate = 0.0
    var previous = ClockTime.zero
    let (input, fraction) = (pieces[0].system.inputIndex, pieces[0].system.inputFraction)
    func advance(to time: ClockTime) {
      guard time > anchor else { return }
      state = pieces[piece].system.transition(overMinutes: (time - anchor).minutes).apply(to: state, rate: rate)
      anchor = time
    }
    for (position, time) in times.enumerated() {
      precondition(time >= previous, "output times must be non-decreasing")
      previous = time
      while true {
        let change = piece + 1 < pieces.count && pieces[piece + 1].start <= time ? pieces[piece + 1].start : nil
        let dose = nextBreakpoint < breakpoints.count && breakpoints[nextBreakpoint].time <= time
        if let change, !dose || change <= breakpoints[nextBreakpoint].time {
          advance(to: change)
          piece += 1
        } else if dose {
          let breakpoint = breakpoints[nextBreakpoint]
          advance(to: breakpoint.time)
          state[input] += breakpoint.bolusMilligrams * fraction
          rate = breakpoint.rateAfter
          nextBreakpoint += 1
        } else {
          break
        }
      }
      // From the last breakpoint, as ExactSimulation does: an output does not move the anchor, so the value at
      // an instant does not depend on which other instants are asked for.
      let value =
        time == anchor
        ? state : pieces[piece].system.transition(overMinutes: (time - anchor).minutes).apply(to: state, rate: rate)
      try body(position, value, piece)
    }
  }
}
