extension DosingSchedule {
  /// The window of length `length` in which the most drug is given, and how
  /// much (mg); nil for an empty schedule.
  ///
  /// A window counts the boluses inside it and infusions for the part that
  /// runs inside it. The amount given up to `t` is piecewise linear with
  /// jumps at boluses, so the largest window either starts at a breakpoint
  /// (`[b, b + length)`) or ends just after one (`(b − length, b]`, where
  /// `start` is reported as `b − length`); both families are evaluated
  /// exactly, in O(n log n) for n breakpoints.
  public func busiestWindow(of length: ClockTime) -> (start: ClockTime, milligrams: Double)? {
    precondition(length > .zero, "a window needs a positive length")
    guard !breakpoints.isEmpty else { return nil }
    // cumulative[i]: amount given through breakpoints[i].time, its boluses included.
    var cumulative: [Double] = []
    cumulative.reserveCapacity(breakpoints.count)
    var total = 0.0
    for (index, point) in breakpoints.enumerated() {
      if index > 0 {
        let previous = breakpoints[index - 1]
        total += previous.rateAfter * (point.time - previous.time).minutes
      }
      total += point.bolusMilligrams
      cumulative.append(total)
    }
    /// Amount given through `time` (boluses at `time` included), or strictly
    /// before it.
    func given(_ time: ClockTime, includingBolusesAt: Bool) -> Double {
      // Last breakpoint at or before `time`.
      var low = 0
      var high = breakpoints.count
      while low < high {
        let middle = (low + high) / 2
        if breakpoints[middle].time <= time { low = middle + 1 } else { high = middle }
      }
      guard low > 0 else { return 0 }
      let point = breakpoints[low - 1]
      var amount = cumulative[low - 1] + point.rateAfter * (time - point.time).minutes
      if point.time == time, !includingBolusesAt { amount -= point.bolusMilligrams }
      return amount
    }
    var best: (start: ClockTime, milligrams: Double) = (breakpoints[0].time, 0)
    for point in breakpoints {
      // [b, b + length): boluses at b count, those at its end do not.
      let starting =
        given(point.time + length, includingBolusesAt: false) - given(point.time, includingBolusesAt: false)
      if starting > best.milligrams { best = (point.time, starting) }
      // (b − length, b]: the limit of windows that end just after b, so
      // boluses at b count and those at the start do not.
      let endStart = point.time - length
      if endStart >= .zero {
        let ending = given(point.time, includingBolusesAt: true) - given(endStart, includingBolusesAt: true)
        if ending > best.milligrams { best = (endStart, ending) }
      }
    }
    return best
  }
}
