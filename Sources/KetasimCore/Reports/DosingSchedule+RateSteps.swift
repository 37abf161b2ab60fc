extension DosingSchedule {
  /// The total infusion rate as a step function for a picture's rate panel.
  ///
  /// Each entry is a time (minutes from the start of the run) from which the
  /// rate (mg/h) holds until the next entry; the first entry is at 0 and the
  /// others are the breakpoints after 0 up to `end`.
  public func rateSteps(through end: ClockTime) -> [(startMinutes: Double, milligramsPerHour: Double)] {
    var steps = [(startMinutes: 0.0, milligramsPerHour: rate(after: .zero) * 60)]
    for point in breakpoints where point.time > .zero && point.time <= end {
      steps.append((point.time.minutes, point.rateAfter * 60))
    }
    return steps
  }

  /// The times of the boluses up to `end`, in minutes from the start of the run, in schedule order.
  public func bolusMinutes(through end: ClockTime) -> [Double] {
    doses.compactMap { dose in
      guard case .bolus(_, let time) = dose, time <= end else { return nil }
      return time.minutes
    }
  }
}
