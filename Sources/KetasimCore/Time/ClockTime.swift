/// A point in simulated time, or a span of it, held as whole microseconds.
///
/// Every time in ketasim (dose times, infusion ends, output grids) is an
/// integer count of microseconds from the start of the run. Grids built from
/// different steps therefore meet at exactly the same instants: 60 steps of
/// 1 s and one step of 1 min both land on 60,000,000 µs, and the engine,
/// which evaluates each output from the last dose event, reports identical
/// values there. Values given in seconds, minutes or hours are rounded to the
/// nearest microsecond.
///
/// The engine works in minutes: ``minutes`` converts at that edge.
public struct ClockTime: Hashable, Comparable, Sendable {
  /// Microseconds since the start of the run (or the length of a span).
  public var microseconds: Int64

  /// Microseconds in one minute.
  public static let microsecondsPerMinute: Int64 = 60_000_000

  /// The largest time accepted: 100 years, far beyond any clinical run and
  /// far below `Int64.max` microseconds, so sums of times cannot overflow.
  public static let limit = ClockTime(microseconds: 100 * 365 * 24 * 60 * 60_000_000)

  public init(microseconds: Int64) {
    self.microseconds = microseconds
  }

  /// The time nearest to `minutes`, to the microsecond.
  ///
  /// - Precondition: `minutes` is finite and within ±``limit``; callers
  ///   validate user input first (see ``init(validatingMinutes:)``).
  public init(minutes: Double) {
    precondition(minutes.isFinite && abs(minutes) <= ClockTime.limit.minutes, "time out of range: \(minutes) min")
    self.microseconds = Int64((minutes * 60_000_000).rounded())
  }

  /// The time nearest to `minutes`, or `nil` when it is not finite or beyond
  /// ``limit``.
  public init?(validatingMinutes minutes: Double) {
    guard minutes.isFinite, abs(minutes) <= ClockTime.limit.minutes else { return nil }
    self.init(minutes: minutes)
  }

  public static func seconds(_ value: Double) -> ClockTime { ClockTime(minutes: value / 60) }
  public static func minutes(_ value: Double) -> ClockTime { ClockTime(minutes: value) }
  public static func hours(_ value: Double) -> ClockTime { ClockTime(minutes: value * 60) }

  public static let zero = ClockTime(microseconds: 0)

  /// The time in minutes (exact for whole microseconds up to 2^53 µs).
  public var minutes: Double { Double(microseconds) / 60_000_000 }

  public static func < (lhs: ClockTime, rhs: ClockTime) -> Bool { lhs.microseconds < rhs.microseconds }
  public static func + (lhs: ClockTime, rhs: ClockTime) -> ClockTime {
    ClockTime(microseconds: lhs.microseconds + rhs.microseconds)
  }
  public static func - (lhs: ClockTime, rhs: ClockTime) -> ClockTime {
    ClockTime(microseconds: lhs.microseconds - rhs.microseconds)
  }
  public static func * (lhs: ClockTime, rhs: Int64) -> ClockTime {
    ClockTime(microseconds: lhs.microseconds * rhs)
  }

  /// Whether `start + interval × times` is within ``limit`` (computed
  /// without overflow): the check before repeating a dose `times` more times.
  public static func fits(_ start: ClockTime, _ interval: ClockTime, times: Int) -> Bool {
    let (span, overflow) = interval.microseconds.multipliedReportingOverflow(by: Int64(max(0, times)))
    return !overflow && start.microseconds <= limit.microseconds && span <= limit.microseconds - start.microseconds
  }
}

extension ClockTime: CustomStringConvertible {
  public var description: String { "\(minutes) min" }
}
