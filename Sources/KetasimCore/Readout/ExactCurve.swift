/// One concentration of a ``Simulation`` as an exact function of time, with
/// the root finding and maximisation the read-out needs.
///
/// Times are in minutes (real numbers, not whole microseconds), values in
/// ng/mL.
struct ExactCurve {
  let simulation: Simulation
  let end: ClockTime
  let segments: [Simulation.Segment]
  /// State index and factor from state units to ng/mL.
  let index: Int
  let scale: Double
  /// The fixed sample pattern of every segment, evaluated once.
  private var points: [(segment: Int, offset: Double, time: Double, value: Double)] = []

  /// Bisection and golden-section searches stop at this width (min).
  static let tolerance = 1e-9

  init(_ simulation: Simulation, site: CurveReadout.Site, through end: ClockTime) {
    self.simulation = simulation
    self.end = end
    self.segments = simulation.segments(through: end)
    switch site {
    case .plasma:
      index = 0
      scale = 1000 / simulation.disposition.parameters.centralVolume
    case .effectSite:
      guard let effect = simulation.disposition.effectSiteIndex else {
        preconditionFailure("an effect-site read-out needs a model with an effect site")
      }
      index = effect
      scale = 1000
    }
    points = samples()
  }

  func value(_ segment: Simulation.Segment, _ offset: Double) -> Double {
    simulation.state(in: segment, atOffsetMinutes: offset)[index] * scale
  }

  /// Offsets at which a segment of `length` minutes is sampled.
  ///
  /// 128 equal steps plus halvings towards the start down to 1e-7 min. The
  /// pattern depends on the segment only, never on an output grid.
  static func samplePattern(length: Double) -> [Double] {
    var offsets = (0...128).map { length * Double($0) / 128 }
    var fine = length / 256
    while fine > 1e-7 {
      offsets.append(fine)
      fine /= 2
    }
    offsets.sort()
    var distinct: [Double] = []
    distinct.reserveCapacity(offsets.count)
    for offset in offsets where offset != distinct.last { distinct.append(offset) }
    return distinct
  }

  /// Samples `(segment, offset, time, value)` of every segment, in time order.
  private func samples() -> [(segment: Int, offset: Double, time: Double, value: Double)] {
    var result: [(segment: Int, offset: Double, time: Double, value: Double)] = []
    for (number, segment) in segments.enumerated() {
      for offset in ExactCurve.samplePattern(length: segment.length.minutes) {
        result.append((number, offset, segment.start.minutes + offset, value(segment, offset)))
      }
    }
    if result.isEmpty, let state = simulation.states(at: [.zero]).first {
      result.append((-1, 0, 0, state[index] * scale))
    }
    return result
  }

  // MARK: - Peak

  /// The largest value and its time (the earliest, on ties).
  func maximum() -> (time: Double, value: Double) {
    var best = (time: points[0].time, value: points[0].value)
    for k in points.indices {
      var candidate = (time: points[k].time, value: points[k].value)
      let inside =
        k > 0 && k + 1 < points.count && points[k - 1].segment == points[k].segment
        && points[k + 1].segment == points[k].segment
      if inside, points[k].value >= points[k - 1].value, points[k].value >= points[k + 1].value {
        let segment = segments[points[k].segment]
        let offset = goldenSectionMaximum(segment, points[k - 1].offset, points[k + 1].offset)
        let refined = value(segment, offset)
        if refined > candidate.value { candidate = (segment.start.minutes + offset, refined) }
      }
      if candidate.value > best.value { best = candidate }
    }
    return best
  }

  private func goldenSectionMaximum(_ segment: Simulation.Segment, _ low: Double, _ high: Double) -> Double {
    let ratio = (5.0.squareRoot() - 1) / 2
    var a = low
    var b = high
    var c = b - ratio * (b - a)
    var d = a + ratio * (b - a)
    var fc = value(segment, c)
    var fd = value(segment, d)
    while b - a > ExactCurve.tolerance {
      if fc >= fd {
        b = d
        d = c
        fd = fc
        c = b - ratio * (b - a)
        fc = value(segment, c)
      } else {
        a = c
        c = d
        fc = fd
        d = a + ratio * (b - a)
        fd = value(segment, d)
      }
    }
    return (a + b) / 2
  }

  // MARK: - Area

  /// ∫₀^end of the curve (ng·min/mL), exact from mass balance.
  func areaUnderCurve() -> Double {
    let parameters = simulation.disposition.parameters
    guard let last = simulation.states(at: [end]).first else { return 0 }
    let plasma =
      (simulation.schedule.milligramsGiven(through: end) - simulation.amountInBody(last))
      / parameters.clearance * 1000
    guard index != 0, let ke0 = parameters.ke0 else { return plasma }
    return plasma - (last[index] - simulation.initialState[index]) * 1000 / ke0
  }

  // MARK: - Thresholds

  /// Instants where the curve passes `level`, each with the side it moves to.
  func crossings(of level: Double) -> (startsAbove: Bool, crossings: [(time: Double, toAbove: Bool)]) {
    var result: [(time: Double, toAbove: Bool)] = []
    for k in points.indices.dropFirst() {
      let before = points[k - 1]
      let now = points[k]
      let wasAbove = before.value > level
      guard wasAbove != (now.value > level) else { continue }
      if before.segment == now.segment {
        let segment = segments[now.segment]
        var low = before.offset
        var high = now.offset
        while high - low > ExactCurve.tolerance {
          let middle = (low + high) / 2
          if (value(segment, middle) > level) == wasAbove { low = middle } else { high = middle }
        }
        result.append((segment.start.minutes + (low + high) / 2, !wasAbove))
      } else {
        result.append((now.time, !wasAbove))  // a jump at a bolus
      }
    }
    return (points[0].value > level, result)
  }

  func timesAbove(_ threshold: NamedThreshold) -> CurveReadout.ThresholdTimes {
    let (startsAbove, crossings) = self.crossings(of: threshold.nanogramsPerMilliliter)
    var above = startsAbove
    var since = 0.0
    var total = 0.0
    var first: Double? = startsAbove ? 0 : nil
    var last: Double?
    for crossing in crossings {
      if crossing.toAbove {
        since = crossing.time
        if first == nil { first = crossing.time }
      } else if above {
        total += crossing.time - since
        last = crossing.time
      }
      above = crossing.toAbove
    }
    if above {
      total += end.minutes - since
      last = end.minutes
    }
    return CurveReadout.ThresholdTimes(
      threshold: threshold, minutesAbove: total, firstAbove: first, lastAbove: last)
  }

  /// Minutes after `time` until the curve is at or below `level` for good.
  ///
  /// Assumes nothing is given after `time` (plasma then only declines).
  /// Zero when the curve already is at or below `level`.
  func minutesUntilBelow(_ level: Double, after time: ClockTime) -> Double {
    guard let state = simulation.states(at: [time]).first else { return 0 }
    let tail = Simulation.Segment(start: time, length: .zero, state: state, rate: 0)
    guard value(tail, 0) > level else { return 0 }
    var high = 1.0
    while value(tail, high) > level && high < 1e7 { high *= 2 }
    var low = high == 1 ? 0 : high / 2
    while high - low > ExactCurve.tolerance {
      let middle = (low + high) / 2
      if value(tail, middle) > level { low = middle } else { high = middle }
    }
    return (low + high) / 2
  }
}
