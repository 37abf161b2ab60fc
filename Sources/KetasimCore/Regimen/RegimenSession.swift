/// A treatment session: named steps given together, starting at one or more
/// times, optionally repeated at a fixed interval.
///
/// A six-infusion series three times a week is one session with six start
/// times; monthly maintenance is one session repeated every 28 days; a
/// sedation is one session with a bolus step and a top-up step.
public struct RegimenSession: Sendable, Equatable {
  /// Repetition of every start time: `count` sessions in all, `interval` apart.
  public struct Repeats: Sendable, Equatable {
    public var interval: ClockTime
    public var count: Int

    public init(interval: ClockTime, count: Int) {
      self.interval = interval
      self.count = count
    }
  }

  /// The session's name (`stabilization`, `maintenance`).
  public var name: String
  /// When the session starts (each listed start gives one session), from
  /// the start of the run.
  public var starts: [ClockTime]
  /// Repetition of each start, if any.
  public var repeats: Repeats?
  /// What is given in each session, timed from the session's start.
  public var steps: [RegimenStep]

  public init(name: String, starts: [ClockTime] = [.zero], repeats: Repeats? = nil, steps: [RegimenStep]) {
    self.name = name
    self.starts = starts
    self.repeats = repeats
    self.steps = steps
  }

  /// Every session start, in the order listed, each followed by its repeats.
  public var startTimes: [ClockTime] {
    starts.flatMap { start in
      (0..<(repeats?.count ?? 1)).map { start + (repeats?.interval ?? .zero) * Int64($0) }
    }
  }

  /// The administrations of every session for a patient of `weightKilograms`.
  public func doses(forWeight weightKilograms: Double) -> [Dose] {
    let once = steps.flatMap { $0.doses.flatMap { $0.doses(forWeight: weightKilograms) } }
    return startTimes.flatMap { start in once.map { $0.shifted(by: start) } }
  }
}
