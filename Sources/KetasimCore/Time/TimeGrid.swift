/// Output times from zero to an end time, inclusive, every `step`.
///
/// The grid is `0, step, 2·step, …` up to `end`; when `end` is not a whole
/// number of steps, `end` itself is appended so that the run's last instant
/// is always reported.
public struct TimeGrid: Sendable, Equatable {
  public let end: ClockTime
  public let step: ClockTime

  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` when `step` is not
  ///   positive, `end` is negative, or `step` is longer than a positive `end`.
  public init(end: ClockTime, step: ClockTime) throws {
    guard step.microseconds > 0 else {
      throw KetasimError.invalidValue(
        "step", "\(step.minutes) min", accepted: "a positive time step of at least 1 microsecond")
    }
    guard end.microseconds >= 0 else {
      throw KetasimError.invalidValue("duration", "\(end.minutes) min", accepted: "a duration of zero or more")
    }
    guard end.microseconds == 0 || step <= end else {
      throw KetasimError.invalidValue(
        "step", "\(step.minutes) min", accepted: "a step no longer than the duration (\(end.minutes) min)")
    }
    self.end = end
    self.step = step
  }

  /// Number of output times.
  public var count: Int {
    let whole = Int(end.microseconds / step.microseconds) + 1
    return end.microseconds % step.microseconds == 0 ? whole : whole + 1
  }

  /// The `index`-th output time.
  public subscript(index: Int) -> ClockTime {
    precondition(index >= 0 && index < count, "grid index out of range")
    let t = step * Int64(index)
    return t > end ? end : t
  }

  /// All output times, in order.
  public var times: [ClockTime] { (0..<count).map { self[$0] } }
}
