import Foundation
import KetasimCore
import Testing

private typealias Expected = ParsingSupport.ExpectedDose

/// `DoseSpec(parsing:)` and `doses(forWeight:)`: every expected dose below is
/// worked out by hand for a 70 kg patient (mg, mg/min, whole seconds).
@Suite struct DoseSpecTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var spec: String
    var doses: [ParsingSupport.ExpectedDose]
    var testDescription: String { "'\(spec)'" }
  }

  /// Seconds in a minute, hour and day, for readability.
  static let minute: Int64 = 60
  static let hour: Int64 = 3600
  static let day: Int64 = 86400

  static let clinicalExamples: [Case] = [
    // 1 mg/kg x 70 kg = 70 mg, at 0.
    Case(spec: "1 mg/kg", doses: [.bolus(milligrams: 70, atSeconds: 0)]),
    Case(spec: "35 mg at 10 min", doses: [.bolus(milligrams: 35, atSeconds: 10 * minute)]),
    // 0.5 x 70 = 35 mg over 40 min = 0.875 mg/min.
    Case(
      spec: "0.5 mg/kg over 40 min",
      doses: [.infusion(milligramsPerMinute: 0.875, startSeconds: 0, durationSeconds: 40 * minute)]),
    Case(
      spec: "0.5 mg/kg over 40 min at 30 min",
      doses: [.infusion(milligramsPerMinute: 0.875, startSeconds: 30 * minute, durationSeconds: 40 * minute)]),
    // 0.15 mg/kg/h x 70 kg = 10.5 mg/h = 0.175 mg/min.
    Case(
      spec: "0.15 mg/kg/h for 4 h at 30 min",
      doses: [.infusion(milligramsPerMinute: 0.175, startSeconds: 30 * minute, durationSeconds: 4 * hour)]),
    // 41 ug/kg/min x 70 kg = 2870 ug/min = 2.87 mg/min.
    Case(
      spec: "41 ug/kg/min for 60 min",
      doses: [.infusion(milligramsPerMinute: 2.87, startSeconds: 0, durationSeconds: 60 * minute)]),
    Case(
      spec: "2 mg/min for 10 min",
      doses: [.infusion(milligramsPerMinute: 2, startSeconds: 0, durationSeconds: 10 * minute)]),
    // Six infusions of 35 mg over 40 min, 48 h apart (x counts them all).
    Case(
      spec: "0.5 mg/kg over 40 min every 48 h x 6",
      doses: (0..<6).map {
        .infusion(milligramsPerMinute: 0.875, startSeconds: Int64($0) * 48 * hour, durationSeconds: 40 * minute)
      }),
  ]

  static let unitExamples: [Case] = [
    // Durations and times in s, min, h, d, short and long.
    Case(spec: "10 mg over 30 s", doses: [.infusion(milligramsPerMinute: 20, startSeconds: 0, durationSeconds: 30)]),
    Case(
      spec: "12 mg over 2 h", doses: [.infusion(milligramsPerMinute: 0.1, startSeconds: 0, durationSeconds: 2 * hour)]),
    Case(
      spec: "6 mg/h for 90 min",
      doses: [.infusion(milligramsPerMinute: 0.1, startSeconds: 0, durationSeconds: 90 * minute)]),
    Case(spec: "1 mg/s for 10 s", doses: [.infusion(milligramsPerMinute: 60, startSeconds: 0, durationSeconds: 10)]),
    Case(spec: "5 mg at 1 d", doses: [.bolus(milligrams: 5, atSeconds: day)]),
    Case(spec: "5 mg at 90 seconds", doses: [.bolus(milligrams: 5, atSeconds: 90)]),
    Case(spec: "5 mg at 2 hours", doses: [.bolus(milligrams: 5, atSeconds: 2 * hour)]),
    Case(
      spec: "5 mg over 5 minutes",
      doses: [.infusion(milligramsPerMinute: 1, startSeconds: 0, durationSeconds: 5 * minute)]
    ),
    Case(spec: "5 mg at 1.5 h", doses: [.bolus(milligrams: 5, atSeconds: 90 * minute)]),
    // Amount units: 1 mcg = 1 ug = 1 µg = 0.001 mg; 1 g = 1000 mg.
    Case(spec: "500 mcg", doses: [.bolus(milligrams: 0.5, atSeconds: 0)]),
    Case(spec: "500 µg", doses: [.bolus(milligrams: 0.5, atSeconds: 0)]),
    Case(spec: "500 ug", doses: [.bolus(milligrams: 0.5, atSeconds: 0)]),
    Case(spec: "0.1 g", doses: [.bolus(milligrams: 100, atSeconds: 0)]),
    Case(spec: "2 mcg/kg", doses: [.bolus(milligrams: 0.14, atSeconds: 0)]),
    Case(
      spec: "10 µg/kg/min for 10 min",
      doses: [.infusion(milligramsPerMinute: 0.7, startSeconds: 0, durationSeconds: 10 * minute)]),
    Case(
      spec: "0.06 g/h for 1 h", doses: [.infusion(milligramsPerMinute: 1, startSeconds: 0, durationSeconds: hour)]),
    // mg/h/kg is the same as mg/kg/h: 0.6 x 70 / 60 = 0.7 mg/min.
    Case(
      spec: "0.6 mg/h/kg for 1 h", doses: [.infusion(milligramsPerMinute: 0.7, startSeconds: 0, durationSeconds: hour)]),
    // No space between number and unit.
    Case(spec: "0.5mg/kg", doses: [.bolus(milligrams: 35, atSeconds: 0)]),
    Case(
      spec: "0.5mg/kg over 40min at 30min",
      doses: [.infusion(milligramsPerMinute: 0.875, startSeconds: 30 * minute, durationSeconds: 40 * minute)]),
    // Exponent notation: 1e-3 g = 1 mg.
    Case(spec: "1e-3 g", doses: [.bolus(milligrams: 1, atSeconds: 0)]),
    // Case-insensitive words and units.
    Case(spec: "1 MG/KG", doses: [.bolus(milligrams: 70, atSeconds: 0)]),
    Case(
      spec: "0.5 Mg/Kg OVER 40 MIN At 30 Min",
      doses: [.infusion(milligramsPerMinute: 0.875, startSeconds: 30 * minute, durationSeconds: 40 * minute)]),
    Case(
      spec: "2 MG/MIN FOR 10 MIN",
      doses: [.infusion(milligramsPerMinute: 2, startSeconds: 0, durationSeconds: 10 * minute)]),
    Case(
      spec: "0.5 mg/kg OVER 40 min EVERY 48 H X 2",
      doses: [
        .infusion(milligramsPerMinute: 0.875, startSeconds: 0, durationSeconds: 40 * minute),
        .infusion(milligramsPerMinute: 0.875, startSeconds: 48 * hour, durationSeconds: 40 * minute),
      ]),
    Case(spec: "500 MCG", doses: [.bolus(milligrams: 0.5, atSeconds: 0)]),
    // Clauses in any order; "×" and "times" for x.
    Case(
      spec: "0.5 mg/kg at 30 min over 40 min",
      doses: [.infusion(milligramsPerMinute: 0.875, startSeconds: 30 * minute, durationSeconds: 40 * minute)]),
    Case(
      spec: "0.5 mg/kg every 48 h x 2 over 40 min at 30 min",
      doses: [
        .infusion(milligramsPerMinute: 0.875, startSeconds: 30 * minute, durationSeconds: 40 * minute),
        .infusion(milligramsPerMinute: 0.875, startSeconds: 30 * minute + 48 * hour, durationSeconds: 40 * minute),
      ]),
    Case(
      spec: "10 mg every 6 h × 3",
      doses: [
        .bolus(milligrams: 10, atSeconds: 0), .bolus(milligrams: 10, atSeconds: 6 * hour),
        .bolus(milligrams: 10, atSeconds: 12 * hour),
      ]),
    Case(
      spec: "10 mg at 1 h every 6 h times 2",
      doses: [.bolus(milligrams: 10, atSeconds: hour), .bolus(milligrams: 10, atSeconds: 7 * hour)]),
    Case(spec: "10 mg every 6 h x 1", doses: [.bolus(milligrams: 10, atSeconds: 0)]),
    Case(spec: "  35 mg   at   10 min  ", doses: [.bolus(milligrams: 35, atSeconds: 10 * minute)]),
    Case(spec: "0 mg", doses: [.bolus(milligrams: 0, atSeconds: 0)]),
  ]

  @Test(arguments: clinicalExamples + unitExamples)
  func parsesToTheHandComputedDosesAtSeventyKilograms(_ example: Case) throws {
    let spec = try DoseSpec(parsing: example.spec)
    let doses = spec.doses(forWeight: 70)
    try #require(doses.count == example.doses.count, "got \(doses)")
    for (expected, actual) in zip(example.doses, doses) {
      #expect(expected.matches(actual), "expected \(expected), got \(actual)")
    }
  }

  @Test func keepsTheTextItWasParsedFrom() throws {
    #expect(try DoseSpec(parsing: "0.5 mg/kg over 40 min").text == "0.5 mg/kg over 40 min")
  }

  @Test func perKilogramDosesScaleWithWeightAndAbsoluteDosesDoNot() throws {
    let perKilogram = try DoseSpec(parsing: "1 mg/kg").doses(forWeight: 50)
    #expect(perKilogram.count == 1 && Expected.bolus(milligrams: 50, atSeconds: 0).matches(perKilogram[0]))
    let absolute = try DoseSpec(parsing: "35 mg").doses(forWeight: 50)
    #expect(absolute.count == 1 && Expected.bolus(milligrams: 35, atSeconds: 0).matches(absolute[0]))
    // 0.15 mg/kg/h at 20 kg = 3 mg/h = 0.05 mg/min.
    let rate = try DoseSpec(parsing: "0.15 mg/kg/h for 4 h").doses(forWeight: 20)
    #expect(
      rate.count == 1
        && Expected.infusion(milligramsPerMinute: 0.05, startSeconds: 0, durationSeconds: 4 * Self.hour).matches(
          rate[0])
    )
  }

  @Test func totalOfARepeatedInfusionIsCountTimesTheSingleAmount() throws {
    // 6 x 35 mg = 210 mg.
    let doses = try DoseSpec(parsing: "0.5 mg/kg over 40 min every 48 h x 6").doses(forWeight: 70)
    let total = doses.reduce(0) { $0 + $1.milligrams }
    #expect(ParsingSupport.isClose(total, 210, rel: 1e-12))
    let schedule = try DosingSchedule(doses)
    #expect(ParsingSupport.isClose(schedule.totalMilligrams, 210, rel: 1e-12))
    // The last one ends 5 x 48 h + 40 min after the start.
    #expect(schedule.end.microseconds == (5 * 48 * Self.hour + 40 * Self.minute) * 1_000_000)
  }

  @Test func equalSpecsWrittenDifferentlyCompareEqual() throws {
    #expect(
      try DoseSpec(parsing: "0.5 mg/kg over 40 min at 30 min") == DoseSpec(parsing: "0.5mg/kg at 30min over 40min"))
    #expect(try DoseSpec(parsing: "1 mg") != DoseSpec(parsing: "1 mg at 1 min"))
  }

  // MARK: - Rejections

  struct Rejection: Sendable, CustomTestStringConvertible {
    var spec: String
    /// Texts the reason must contain: the bad part, and what is accepted.
    var reasonMentions: [String]
    var testDescription: String { "'\(spec)'" }
  }

  static let rejections: [Rejection] = [
    // Unknown units name the unit and list accepted ones.
    Rejection(spec: "0.5 mg/kx", reasonMentions: ["mg/kx", "mg/kg"]),
    Rejection(spec: "0.5 mgs", reasonMentions: ["mgs", "mg/kg"]),
    Rejection(spec: "1 mg/kg/kg", reasonMentions: ["mg/kg/kg", "expected"]),
    Rejection(spec: "1 mg/min/h for 1 h", reasonMentions: ["mg/min/h", "expected"]),
    Rejection(spec: "1 mg/ for 1 h", reasonMentions: ["mg/", "expected"]),
    Rejection(spec: "1 kg", reasonMentions: ["kg", "mg"]),
    Rejection(spec: "1 min", reasonMentions: ["min", "mg"]),
    Rejection(spec: "5", reasonMentions: ["'5' has no unit", "mg"]),
    // Negative amounts.
    Rejection(spec: "-1 mg", reasonMentions: ["-1", "negative"]),
    Rejection(spec: "-0.5 mg/kg over 40 min", reasonMentions: ["-0.5", "negative"]),
    // A rate needs a duration.
    Rejection(spec: "1 mg/h", reasonMentions: ["rate", "duration"]),
    Rejection(spec: "0.15 mg/kg/h at 30 min", reasonMentions: ["rate", "duration"]),
    // Zero durations and intervals.
    Rejection(spec: "1 mg over 0 min", reasonMentions: ["over", "positive"]),
    Rejection(spec: "1 mg/h for 0 h", reasonMentions: ["for", "positive"]),
    Rejection(spec: "1 mg every 0 h x 2", reasonMentions: ["every", "positive"]),
    // Negative times and durations.
    Rejection(spec: "1 mg at -5 min", reasonMentions: ["-5", "negative"]),
    Rejection(spec: "1 mg/h for -2 h", reasonMentions: ["-2", "negative"]),
    Rejection(spec: "1 mg over -40 min", reasonMentions: ["-40", "negative"]),
    // A time without unit, or with an unknown one.
    Rejection(spec: "1 mg over 40", reasonMentions: ["over", "s, min, h or d"]),
    Rejection(spec: "1 mg at 5 parsecs", reasonMentions: ["at", "s, min, h or d"]),
    Rejection(spec: "1 mg over forty min", reasonMentions: ["over", "number"]),
    // A concentration where a duration belongs: the unit is named, and the number as typed.
    Rejection(spec: "1 mg/h for 2 ng/mL", reasonMentions: ["'for 2 ng/ml'", "not a time unit", "s, min, h or d"]),
    // Garbage words and trailing text.
    Rejection(spec: "banana", reasonMentions: ["number", "unit"]),
    Rejection(spec: "", reasonMentions: ["number", "unit"]),
    Rejection(spec: "1 mg banana", reasonMentions: ["banana", "over"]),
    Rejection(spec: "1 mg over 40 min please", reasonMentions: ["please", "over"]),
    Rejection(spec: "1 mg at 10 min;", reasonMentions: [";", "over"]),
    Rejection(spec: "1 mg x 3", reasonMentions: ["x", "every"]),
    // 'every' without a proper count.
    Rejection(spec: "1 mg every 2 h", reasonMentions: ["every", "x COUNT"]),
    Rejection(spec: "1 mg every 2 h x", reasonMentions: ["x", "whole number"]),
    Rejection(spec: "1 mg every 2 h 6", reasonMentions: ["every", "x COUNT"]),
    Rejection(spec: "1 mg every 2 h x 0", reasonMentions: ["whole number", "1"]),
    Rejection(spec: "1 mg every 2 h x 2.5", reasonMentions: ["whole number"]),
    Rejection(spec: "1 mg every 2 h x -3", reasonMentions: ["whole number"]),
    Rejection(spec: "1 mg every x 6", reasonMentions: ["every", "number"]),
    // Duplicate clauses.
    Rejection(spec: "1 mg at 1 min at 2 min", reasonMentions: ["twice"]),
    Rejection(spec: "1 mg over 10 min for 20 min", reasonMentions: ["twice"]),
    Rejection(spec: "1 mg/h for 1 h for 2 h", reasonMentions: ["twice"]),
    Rejection(spec: "1 mg every 1 h x 2 every 2 h x 3", reasonMentions: ["every", "twice"]),
  ]

  @Test(arguments: rejections)
  func rejectsWithAReasonNamingTheBadPart(_ rejection: Rejection) throws {
    let error = #expect(throws: KetasimError.self) { try DoseSpec(parsing: rejection.spec) }
    let parts = try #require(
      error.flatMap(ParsingSupport.invalidDose), "expected invalidDose, got \(String(describing: error))")
    #expect(parts.spec == rejection.spec, "the error must quote the spec as given")
    for mention in rejection.reasonMentions {
      #expect(parts.reason.contains(mention), "reason '\(parts.reason)' should mention '\(mention)'")
    }
    // One line, ready for a command line to print as is.
    #expect(!(error?.description.contains("\n") ?? true))
  }

  @Test(arguments: [
    "nan mg", "NaN mg/kg", "inf mg", "infinity mg", "-inf mg", "nan mg/kg over 40 min", "1 mg over inf min",
  ])
  func rejectsNonFiniteNumbers(_ spec: String) throws {
    let error = #expect(throws: KetasimError.self) { try DoseSpec(parsing: spec) }
    let parts = try #require(
      error.flatMap(ParsingSupport.invalidDose), "expected invalidDose, got \(String(describing: error))")
    #expect(parts.spec == spec)
    #expect(error?.description.contains(spec) == true)
    #expect(parts.reason.contains("number"), "reason: \(parts.reason)")
  }

  /// Amounts that are finite as typed but overflow to infinity once converted
  /// to mg are as invalid as 'inf mg' and must be rejected while parsing,
  /// naming the spec (not later as 'invalid bolus amount inf mg').
  @Test(arguments: ["1e308 g", "1e308 g/min for 1 min"])
  func rejectsAmountsThatOverflowWhenConvertedToMilligrams(_ spec: String) throws {
    let error = #expect(throws: KetasimError.self) { try DoseSpec(parsing: spec) }
    #expect(error.flatMap(ParsingSupport.invalidDose)?.spec == spec, "got \(String(describing: error))")
  }

  @Test func timesBeyondOneHundredYearsAreRejected() throws {
    // 100 years = 36,500 days; the limit documented in ClockTime.
    #expect(throws: KetasimError.self) { try DoseSpec(parsing: "1 mg at 40000 d") }
    #expect(throws: KetasimError.self) { try DoseSpec(parsing: "1 mg at 1e300 h") }
    #expect(throws: Never.self) { try DoseSpec(parsing: "1 mg at 36000 d") }
  }
}
