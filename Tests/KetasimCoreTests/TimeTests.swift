import Foundation
import KetasimCore
import Testing

/// `ClockTime` (integer microseconds), its parsing, and `TimeGrid`.
@Suite struct TimeTests {
  // MARK: - Parsing durations

  /// Expected values in whole microseconds, computed by hand:
  /// 1 s = 1e6 µs, 1 min = 6e7 µs, 1 h = 3.6e9 µs, 1 d = 8.64e10 µs.
  @Test(arguments: [
    ("4 h", Int64(14_400_000_000)),
    ("240", 14_400_000_000),
    ("240 min", 14_400_000_000),
    ("10 s", 10_000_000),
    ("1.5h", 5_400_000_000),
    ("2 d", 172_800_000_000),
    ("0.5", 30_000_000),
    ("90 seconds", 90_000_000),
    ("3 hours", 10_800_000_000),
    ("1 day", 86_400_000_000),
    ("4 H", 14_400_000_000),
    ("  10 s  ", 10_000_000),
    ("0", 0),
    ("1e3 s", 1_000_000_000),
  ])
  func parsesDurations(text: String, microseconds: Int64) throws {
    let time = try ClockTime(parsingDuration: text, what: "duration")
    #expect(time.microseconds == microseconds)
  }

  @Test(arguments: ["-1 h", "abc", "5 parsecs", "inf", "nan", "", "4 h 30 min", "h", "1e400 min", "-0.5", "10 s extra"])
  func rejectsBadDurations(text: String) throws {
    let error = #expect(throws: KetasimError.self) { try ClockTime(parsingDuration: text, what: "duration") }
    guard case .invalidValue(let what, let value, let accepted)? = error?.problem else {
      Issue.record("expected invalidValue, got \(String(describing: error))")
      return
    }
    #expect(what == "duration")
    #expect(value == text, "the error must quote the text as given")
    #expect(!accepted.isEmpty)
  }

  @Test func errorNamesWhatWasBeingParsed() throws {
    let error = #expect(throws: KetasimError.self) { try ClockTime(parsingDuration: "abc", what: "step") }
    #expect(error?.description.contains("step") == true)
    #expect(error?.description.contains("abc") == true)
  }

  @Test func durationsBeyondOneHundredYearsAreRejected() throws {
    // 100 years of 365 days = 36,500 d.
    #expect(throws: KetasimError.self) { try ClockTime(parsingDuration: "36501 d", what: "duration") }
    #expect(try ClockTime(parsingDuration: "36500 d", what: "duration").microseconds == 36_500 * 86_400_000_000)
  }

  // MARK: - Arithmetic

  @Test func sixtyOneSecondStepsAreExactlyOneMinute() {
    let second = ClockTime.seconds(1)
    #expect(second.microseconds == 1_000_000)
    #expect(second * 60 == ClockTime.minutes(1))
    #expect((second * 60).microseconds == 60_000_000)
    let summed = (0..<60).reduce(ClockTime.zero) { total, _ in total + second }
    #expect(summed == ClockTime.minutes(1))
  }

  @Test func oneSixtiethOfAMinuteRoundsToOneSecond() {
    // 1/60 min is not a binary fraction; to the microsecond it is 1 s.
    #expect(ClockTime(minutes: 1.0 / 60).microseconds == 1_000_000)
    #expect(ClockTime.minutes(1.0 / 60) == ClockTime.seconds(1))
    #expect(ClockTime.minutes(1.0 / 3) * 3 == ClockTime.minutes(1))
    #expect(ClockTime.minutes(0.1) * 10 == ClockTime.minutes(1))
  }

  @Test func roundsToTheNearestMicrosecond() {
    // 1.4 µs -> 1 µs, 1.6 µs -> 2 µs (1 µs = 1/60,000,000 min).
    #expect(ClockTime(minutes: 1.4 / 60_000_000).microseconds == 1)
    #expect(ClockTime(minutes: 1.6 / 60_000_000).microseconds == 2)
  }

  @Test func convertsBackToMinutes() {
    #expect(ClockTime.hours(1).minutes == 60)
    #expect(ClockTime.seconds(30).minutes == 0.5)
    #expect(ClockTime(microseconds: 90_000_000).minutes == 1.5)
  }

  @Test func additionSubtractionAndOrder() {
    let a = ClockTime.minutes(40)
    let b = ClockTime.seconds(30)
    #expect((a + b).microseconds == 2_430_000_000)
    #expect((a - b).microseconds == 2_370_000_000)
    #expect(b < a)
    #expect(ClockTime.zero < b)
    #expect(a - a == .zero)
  }

  @Test func validatingInitialiserRejectsNonFiniteAndOutOfRange() {
    #expect(ClockTime(validatingMinutes: .infinity) == nil)
    #expect(ClockTime(validatingMinutes: -.infinity) == nil)
    #expect(ClockTime(validatingMinutes: .nan) == nil)
    // The limit: 100 years x 365 d x 1440 min = 52,560,000 min.
    #expect(ClockTime.limit.minutes == 52_560_000)
    #expect(ClockTime(validatingMinutes: 52_560_001) == nil)
    #expect(ClockTime(validatingMinutes: 52_560_000) == ClockTime.limit)
  }

  // MARK: - Grids

  @Test func fourHoursAtOneMinuteIs241Times() throws {
    let grid = try TimeGrid(end: .minutes(240), step: .minutes(1))
    #expect(grid.count == 241)
    let times = grid.times
    #expect(times.count == 241)
    #expect(times.first == .zero)
    #expect(times.last == .minutes(240))
    #expect(times[137] == .minutes(137))
  }

  @Test func endThatIsNotAMultipleOfTheStepIsAppended() throws {
    let grid = try TimeGrid(end: .minutes(10), step: .minutes(3))
    #expect(grid.count == 5)
    #expect(grid.times.map(\.microseconds) == [0, 180_000_000, 360_000_000, 540_000_000, 600_000_000])
  }

  @Test func oneDayAtOneSecondIs86401Times() throws {
    let grid = try TimeGrid(end: .hours(24), step: .seconds(1))
    #expect(grid.count == 86_401)
    #expect(grid[86_400] == .hours(24))
    #expect(grid[60] == .minutes(1))
  }

  @Test func tenSecondGridMeetsTheMinuteGridExactly() throws {
    let fine = try TimeGrid(end: .minutes(5), step: .seconds(10))
    let coarse = try TimeGrid(end: .minutes(5), step: .minutes(1))
    #expect(fine.count == 31)
    #expect(Set(coarse.times).isSubset(of: Set(fine.times)))
  }

  @Test func zeroDurationGridHasOnlyTimeZero() throws {
    let grid = try TimeGrid(end: .zero, step: .minutes(1))
    #expect(grid.times == [.zero])
  }

  @Test func stepLongerThanTheDurationThrows() {
    #expect(throws: KetasimError.self) { try TimeGrid(end: .minutes(10), step: .minutes(20)) }
    #expect(throws: Never.self) { try TimeGrid(end: .minutes(10), step: .minutes(10)) }
  }

  @Test func zeroOrNegativeStepThrows() {
    #expect(throws: KetasimError.self) { try TimeGrid(end: .minutes(10), step: .zero) }
    #expect(throws: KetasimError.self) { try TimeGrid(end: .minutes(10), step: ClockTime(microseconds: -1)) }
  }

  @Test func negativeEndThrows() {
    #expect(throws: KetasimError.self) { try TimeGrid(end: ClockTime(microseconds: -60_000_000), step: .minutes(1)) }
  }
}
