extension ExactCurve {
  /// The lowest and highest value of the curve on `[from, to]` (min), with
  /// their times, found on the exact solution.
  ///
  /// Each segment of constant input that overlaps the window is cut at its
  /// critical points (see ``ExactCurve``) restricted to the window, so the
  /// extremes are among the pieces' ends. At a segment's end the left limit
  /// is used (a bolus there starts the next segment).
  func extremes(from: Double, to: Double) -> (
    minimum: (time: Double, value: Double), maximum: (time: Double, value: Double)
  ) {
    var low = (time: from, value: Double.infinity)
    var high = (time: from, value: -Double.infinity)
    for number in segments.indices {
      let start = segments[number].start.minutes
      let length = segments[number].length.minutes
      let a = max(from, start) - start
      let b = min(to, start + length) - start
      guard a <= b else { continue }
      for piece in monotonePieces(segment: number, from: a, to: b) {
        for (offset, v) in [(piece.from, piece.fromValue), (piece.to, piece.toValue)] {
          if v < low.value { low = (start + offset, v) }
          if v > high.value { high = (start + offset, v) }
        }
      }
    }
    if low.value == .infinity, let state = simulation.states(at: [ClockTime(minutes: from)]).first {
      let v = observation.nanogramsPerMilliliter(state)
      low = (from, v)
      high = (from, v)
    }
    return (low, high)
  }
}
