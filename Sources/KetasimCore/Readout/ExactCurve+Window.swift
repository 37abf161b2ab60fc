extension ExactCurve {
  /// The lowest and highest value of the curve on `[from, to]` (min), with
  /// their times, found on the exact solution.
  ///
  /// Each segment of constant input that overlaps the window is sampled at
  /// ``windowPattern(length:)`` (restricted to the window, its ends
  /// included) and every interior local extremum is refined by golden
  /// section to ``tolerance``. Within a segment the curve is a constant plus
  /// a sum of at most four exponentials, so it has at most three extrema,
  /// which the pattern brackets. At a segment's end the left limit is used
  /// (a bolus there starts the next segment). Segments of equal length share
  /// the pattern's transitions, so a schedule of equal pump periods costs
  /// little more than one matrix-vector product per sample.
  func extremes(from: Double, to: Double) -> (
    minimum: (time: Double, value: Double), maximum: (time: Double, value: Double)
  ) {
    var low = (time: from, value: Double.infinity)
    var high = (time: from, value: -Double.infinity)
    var cache: [Int64: (offsets: [Double], transitions: [Transition])] = [:]
    let disposition = simulation.disposition
    for segment in segments {
      let start = segment.start.minutes
      let length = segment.length.minutes
      let a = max(from, start) - start
      let b = min(to, start + length) - start
      guard a <= b else { continue }
      var offsets: [Double]
      var values: [Double]
      if a == 0, b == length, length > 0 {
        let key = segment.length.microseconds
        let shared =
          cache[key]
          ?? {
            let offsets = ExactCurve.windowPattern(length: length)
            let made = (offsets, offsets.map { disposition.transition(overMinutes: $0) })
            cache[key] = made
            return made
          }()
        offsets = shared.offsets
        values = shared.transitions.map { $0.apply(to: segment.state, rate: segment.rate)[index] * scale }
      } else {
        offsets = [a] + ExactCurve.windowPattern(length: length).filter { $0 > a && $0 < b } + (b > a ? [b] : [])
        values = offsets.map { value(segment, $0) }
      }
      for k in offsets.indices {
        var candidates = [(offsets[k], values[k])]
        if k > 0, k + 1 < offsets.count {
          for sign in [1.0, -1.0]
          where sign * values[k] <= sign * values[k - 1] && sign * values[k] <= sign * values[k + 1] {
            let t = GoldenSection.minimum(offsets[k - 1], offsets[k + 1], tolerance: ExactCurve.tolerance) {
              sign * value(segment, $0)
            }
            candidates.append((t, value(segment, t)))
          }
        }
        for (offset, v) in candidates {
          if v < low.value { low = (start + offset, v) }
          if v > high.value { high = (start + offset, v) }
        }
      }
    }
    if low.value == .infinity, let state = simulation.states(at: [ClockTime(minutes: from)]).first {
      let v = state[index] * scale
      low = (from, v)
      high = (from, v)
    }
    return (low, high)
  }

  /// Offsets at which ``extremes(from:to:)`` samples a segment of `length`
  /// minutes: 32 equal steps plus halvings towards the start (where the fast
  /// exponentials act) down to 1e-7 min.
  static func windowPattern(length: Double) -> [Double] {
    var offsets = (0...32).map { length * Double($0) / 32 }
    var fine = length / 64
    while fine > 1e-7 {
      offsets.append(fine)
      fine /= 2
    }
    return Array(Set(offsets)).sorted()
  }
}
