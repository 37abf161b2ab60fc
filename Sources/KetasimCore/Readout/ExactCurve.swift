import Foundation

/// One concentration of an ``ExactSimulation`` as an exact function of time, with
/// the root finding and maximisation the read-out needs.
///
/// Times are in minutes (real numbers, not whole microseconds), values in
/// ng/mL.
///
/// Within a segment of constant input the curve is a constant plus a
/// combination of `e^{μt}` over the eigenvalues `μ₁…μₘ` of the model's state
/// matrix (``LinearSystem/stateEigenvalues``). Its extrema are the zeros of
/// its derivative, which are found exactly rather than by sampling: the
/// derivative `f₀ = c'` and the functions `fₖ₊₁ = fₖ' − μₖ₊₁fₖ` are all
/// linear in the state, `fₖ(t) = rₖ·x(t) + qₖ·u`, with
/// `rₖ₊₁ = rₖA − μₖ₊₁rₖ` and `qₖ₊₁ = rₖ·b − μₖ₊₁qₖ`; `fₘ₋₁` is a single
/// exponential and has no zero. Since `fₖ₊₁ = e^{μt}(e^{−μt}fₖ)'`, between
/// two zeros of `fₖ₊₁` the function `e^{−μt}fₖ` is monotone, so `fₖ` has at
/// most one zero there (Rolle), and a sign change brackets it. Working up
/// from `fₘ₋₂` gives every zero of `c'` in the segment, each refined by
/// Brent's method to ``tolerance``, and cuts the segment into pieces on
/// which the curve is monotone. Repeated eigenvalues (ke0 equal to a
/// disposition rate) need nothing special: the operator for `μ` is applied
/// once per occurrence.
///
/// Peaks are then the largest value at a piece's ends, and each threshold is
/// crossed at most once per piece, where Newton steps on the curve's exact
/// slope find it (``crossing(of:from:to:on:)``). Nothing depends on an output
/// grid.
struct ExactCurve<System: LinearSystem> {
  typealias State = System.State
  /// A stretch of a segment on which the curve is monotone.
  struct Piece {
    var segment: Int
    var from: Double
    var to: Double
    var fromValue: Double
    var toValue: Double
  }

  let simulation: ExactSimulation<System>
  let end: ClockTime
  let segments: [ExactSimulation<System>.Segment]
  /// The concentration read.
  let observation: Observation
  /// State index and factor from state units to ng/mL (of ``observation``).
  var index: Int { observation.stateIndex }
  var scale: Double { observation.scale }
  /// The observation as a row of the state: `scale` at ``index``.
  private let valueRow: State
  /// `(rₖ, qₖ)` of the derivative chain, `f₀ = c'` first (ng/mL per min).
  private let derivatives: [(row: State, input: Double)]
  /// Monotone pieces of every segment, in time order.
  private(set) var pieces: [Piece] = []
  /// The value at `end`, after any bolus given at `end`.
  private(set) var final: (time: Double, value: Double) = (0, 0)
  /// The state at `end`, after any bolus given at `end`.
  private let finalState: State

  /// Root searches stop at this width (min).
  static var tolerance: Double { 1e-9 }

  init(_ simulation: ExactSimulation<System>, site: CurveReadout.Site, through end: ClockTime) {
    guard let observation = simulation.disposition.observation(site) else {
      preconditionFailure("a read-out of '\(site.rawValue)' needs a model that reports it")
    }
    self.init(simulation, observation: observation, through: end)
  }

  init(_ simulation: ExactSimulation<System>, observation: Observation, through end: ClockTime) {
    self.simulation = simulation
    self.end = end
    self.segments = simulation.segments(through: end)
    let disposition = simulation.disposition
    self.observation = observation
    var row = State.zero
    row[observation.stateIndex] = observation.scale
    valueRow = row
    derivatives = ExactCurve.derivativeChain(disposition, observation: observation)
    finalState = simulation.state(at: end, after: segments)
    var pieces: [Piece] = []
    pieces.reserveCapacity(segments.count + 2)
    for number in segments.indices {
      appendMonotonePieces(segment: number, from: 0, to: segments[number].length.minutes, to: &pieces)
    }
    self.pieces = pieces
    final = (end.minutes, observation.nanogramsPerMilliliter(finalState))
  }

  /// The functionals `fₖ = rₖ·x + qₖ·u` of the type's documentation.
  private static func derivativeChain(
    _ disposition: System, observation: Observation
  ) -> [(row: State, input: Double)] {
    let (rows, input) = disposition.stateMatrix
    let (index, scale) = (observation.stateIndex, observation.scale)
    var chain = [(row: rows[index] * scale, input: input[index] * scale)]
    for mu in disposition.stateEigenvalues.dropLast() {
      let (row, q) = chain[chain.count - 1]
      var times = State.zero
      for (i, a) in rows.enumerated() { times += row[i] * a }
      chain.append((times - mu * row, (row * input).sum() - mu * q))
    }
    return chain
  }

  func value(_ segment: ExactSimulation<System>.Segment, _ offset: Double) -> Double {
    valueCurve(segment).value(atMinutes: offset)
  }

  /// The observation over `segment` as a function of the offset (min).
  func valueCurve(_ segment: ExactSimulation<System>.Segment) -> System.RowCurve {
    simulation.disposition.rowCurve(valueRow, from: segment.state, rate: segment.rate)
  }

  /// The zeros of `c'` in `(a, b)` of `segment`, in increasing order.
  func criticalOffsets(_ segment: ExactSimulation<System>.Segment, from a: Double, to b: Double) -> [Double] {
    guard b > a, derivatives.count > 1 else { return [] }
    var knots: [Double] = []  // zeros of f_{level+1}
    for level in stride(from: derivatives.count - 2, through: 0, by: -1) {
      let curve = simulation.disposition.rowCurve(derivatives[level].row, from: segment.state, rate: segment.rate)
      let input = derivatives[level].input * segment.rate
      func evaluate(_ level: Int, _ offset: Double) -> Double { curve.value(atMinutes: offset) + input }
      var zeros: [Double] = []
      // The edges a, knots…, b, without building the list.
      func edge(_ k: Int) -> Double { k == 0 ? a : k <= knots.count ? knots[k - 1] : b }
      var left = evaluate(level, a)
      for k in 1...(knots.count + 1) {
        let right = evaluate(level, edge(k))
        if k > 1, left == 0 {
          zeros.append(edge(k - 1))
        } else if (left < 0 && right > 0) || (left > 0 && right < 0) {
          zeros.append(
            BracketedRoot.find(
              edge(k - 1), edge(k), fLow: left, fHigh: right, tolerance: ExactCurve.tolerance
            ) { evaluate(level, $0) })
        }
        left = right
      }
      knots = zeros
    }
    return knots
  }

  /// `[a, b]` of segment `number` cut at its critical points.
  func monotonePieces(segment number: Int, from a: Double, to b: Double) -> [Piece] {
    var pieces: [Piece] = []
    appendMonotonePieces(segment: number, from: a, to: b, to: &pieces)
    return pieces
  }

  /// ``monotonePieces(segment:from:to:)`` appended to `pieces` (the curve's own construction: no list per
  /// segment).
  func appendMonotonePieces(segment number: Int, from a: Double, to b: Double, to pieces: inout [Piece]) {
    let segment = segments[number]
    let curve = valueCurve(segment)
    var from = a
    var fromValue = curve.value(atMinutes: a)
    for cut in criticalOffsets(segment, from: a, to: b) where cut > a && cut < b {
      let value = curve.value(atMinutes: cut)
      pieces.append(Piece(segment: number, from: from, to: cut, fromValue: fromValue, toValue: value))
      (from, fromValue) = (cut, value)
    }
    pieces.append(
      Piece(segment: number, from: from, to: b, fromValue: fromValue, toValue: curve.value(atMinutes: b)))
  }

  /// Absolute time (min) of an offset in segment `number`.
  func time(_ number: Int, _ offset: Double) -> Double { segments[number].start.minutes + offset }

  /// The values at the pieces' ends and at `end`, as `(time, value)`, in time order.
  private var knots: [(time: Double, value: Double)] {
    var result: [(time: Double, value: Double)] = []
    result.reserveCapacity(pieces.count * 2 + 1)
    for piece in pieces {
      result.append((time(piece.segment, piece.from), piece.fromValue))
      result.append((time(piece.segment, piece.to), piece.toValue))
    }
    result.append(final)
    return result
  }

  // MARK: - Peak

  /// The largest value and its time (the earliest, on ties).
  func maximum() -> (time: Double, value: Double) {
    var best = final
    var first = true
    for knot in knots where first || knot.value > best.value {
      best = knot
      first = false
    }
    return best
  }

  // MARK: - Area

  /// ∫₀^end of the curve (unit·min), exact from mass balance
  /// (``LinearSystem/areaUnderCurve(of:initial:final:given:)``).
  func areaUnderCurve() -> Double {
    simulation.disposition.areaUnderCurve(
      of: observation, initial: simulation.initialState, final: finalState,
      given: simulation.schedule.milligramsGiven(through: end))
  }

  // MARK: - Thresholds

  /// Instants where the curve passes `level`, each with the side it moves to.
  ///
  /// Each monotone piece is crossed at most once; a jump at a bolus
  /// (including one at `end`) crosses at the bolus time.
  func crossings(of level: Double) -> (startsAbove: Bool, crossings: [(time: Double, toAbove: Bool)]) {
    var result: [(time: Double, toAbove: Bool)] = []
    let startsAbove = (pieces.first?.fromValue ?? final.value) > level
    var above = startsAbove
    for piece in pieces {
      if (piece.fromValue > level) != above {
        above.toggle()
        result.append((time(piece.segment, piece.from), above))  // a jump at a bolus
      }
      guard (piece.toValue > level) != above else { continue }
      let segment = segments[piece.segment]
      let curve = valueCurve(segment)
      let offset = ExactCurve.crossing(
        of: level, from: (piece.from, piece.fromValue), to: (piece.to, piece.toValue), on: curve)
      above.toggle()
      result.append((segment.start.minutes + offset, above))
    }
    if (final.value > level) != above {
      above.toggle()
      result.append((final.time, above))
    }
    return (startsAbove, result)
  }

  /// Where `curve` passes `level` between two offsets (min) of its segment, given its values there on
  /// either side of `level` and the curve monotone in between.
  ///
  /// Newton's method (``SafeguardedNewton``) from the stretch's start. Where the curve falls and stays
  /// positive it works on `log(c/level)`: a decay is a sum of decaying exponentials, convex and nearly a
  /// straight line on a log scale, so the iterates approach the crossing from the left in a few steps even
  /// across a gap of days. Elsewhere (a rise, which is concave under an infusion, or a curve that reaches
  /// zero) it works on `c − level`; a rise from nearly nothing must not go on a log scale, where the
  /// slope `c′/c` at the start is enormous and the steps vanishingly small.
  static func crossing(
    of level: Double, from low: (offset: Double, value: Double), to high: (offset: Double, value: Double),
    on curve: System.RowCurve
  ) -> Double {
    guard level > 0, low.value > high.value, high.value > 0 else {
      return SafeguardedNewton.find(
        low.offset, high.offset, fLow: low.value - level, fHigh: high.value - level, tolerance: tolerance
      ) {
        let (value, slope) = curve.valueAndSlope(atMinutes: $0)
        return (value - level, slope)
      }
    }
    return SafeguardedNewton.find(
      low.offset, high.offset, fLow: log(low.value / level), fHigh: log(high.value / level),
      tolerance: tolerance
    ) {
      // Between two positive ends of a monotone stretch the value is positive; the floor only guards rounding.
      let (value, slope) = curve.valueAndSlope(atMinutes: $0)
      let positive = max(value, .leastNormalMagnitude)
      return (log(positive / level), slope / positive)
    }
  }

  /// The intervals (min) in which the curve is strictly above `level`, in
  /// time order; the last one ends at `end` when the curve is still above.
  func intervalsAbove(_ level: Double) -> [(from: Double, to: Double)] {
    let (startsAbove, crossings) = self.crossings(of: level)
    var intervals: [(from: Double, to: Double)] = []
    var since: Double? = startsAbove ? 0 : nil
    for crossing in crossings {
      if crossing.toAbove {
        since = crossing.time
      } else if let start = since {
        intervals.append((start, crossing.time))
        since = nil
      }
    }
    if let start = since { intervals.append((start, end.minutes)) }
    return intervals
  }

  /// Time above `threshold`, first and last time above, from the
  /// crossings directly (no intervals array: the population read-out calls
  /// this per subject and threshold).
  func timesAbove(_ threshold: NamedThreshold) -> CurveReadout.ThresholdTimes {
    let (startsAbove, crossings) = self.crossings(of: threshold.nanogramsPerMilliliter)
    var since: Double? = startsAbove ? 0 : nil
    var total = 0.0
    var first: Double? = since
    var last: Double?
    for crossing in crossings {
      if crossing.toAbove {
        since = crossing.time
        if first == nil { first = crossing.time }
      } else if let start = since {
        total += crossing.time - start
        last = crossing.time
        since = nil
      }
    }
    if let start = since {
      total += end.minutes - start
      last = end.minutes
    }
    return CurveReadout.ThresholdTimes(threshold: threshold, minutesAbove: total, firstAbove: first, lastAbove: last)
  }

  /// Minutes the curve is above `level` within `[from, to]`.
  func minutesAbove(_ level: Double, from: Double, to: Double) -> Double {
    intervalsAbove(level).reduce(0) { $0 + max(0, min($1.to, to) - max($1.from, from)) }
  }

  /// Minutes after `time` until the curve is at or below `level` for good,
  /// when nothing more is given after `time`.
  ///
  /// Zero when the curve already is at or below `level` and stays there.
  /// The free decay is cut at its critical points like any segment, so a
  /// curve that still rises (an effect site) or dips and recovers is
  /// handled exactly.
  func minutesUntilBelow(_ level: Double, after time: ClockTime) -> Double {
    guard let state = simulation.states(at: [time]).first else { return 0 }
    let tail = ExactSimulation<System>.Segment(start: time, length: .zero, state: state, rate: 0)
    // Every exponential has decayed by e^{-40} long before this horizon.
    let slowest = simulation.disposition.stateEigenvalues.map { -$0 }.min() ?? 1
    let horizon = 40 / slowest
    let cuts = [0] + criticalOffsets(tail, from: 0, to: horizon) + [horizon]
    var lastBelow = 0.0
    for k in cuts.indices.reversed() where value(tail, cuts[k]) > level {
      guard k + 1 < cuts.count else { return horizon }
      let low = cuts[k]
      let high = cuts[k + 1]
      lastBelow = BracketedRoot.find(
        low, high, fLow: value(tail, low) - level, fHigh: value(tail, high) - level, tolerance: ExactCurve.tolerance
      ) { value(tail, $0) - level }
      break
    }
    return lastBelow
  }
}
