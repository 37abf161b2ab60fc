import Testing

@testable import KetasimCore

@Suite("Plausibility guards")
struct PlausibilityTests {
  let limits = PlausibilityLimits()

  @Test("weights from 0.4 to 350 kg and ages to 120 pass; beyond them are refused with the value and limit")
  func patients() throws {
    for weight in [0.4, 3.5, 70, 350] {
      try limits.check(try Patient(weightKilograms: weight, ageYears: 40))
    }
    try limits.check(try Patient(weightKilograms: 70, ageYears: 120))
    #expect(throws: KetasimError.implausible("weight", "350.1 kg", reason: "above 350 kg")) {
      try limits.check(try Patient(weightKilograms: 350.1))
    }
    #expect(throws: KetasimError.implausible("weight", "0.39 kg", reason: "below 0.4 kg")) {
      try limits.check(try Patient(weightKilograms: 0.39))
    }
    #expect(throws: KetasimError.implausible("age", "121 years", reason: "above 120 years")) {
      try limits.check(try Patient(weightKilograms: 70, ageYears: 121))
    }
  }

  /// Every published clinical regimen (label, ASRA/AAPM/ASA 2018 guidelines, Andrade 2017, Murrough 2013, Idvall 1979
  /// and others) with a number must pass, including
  /// the largest (ICU 7 mg/kg/h, 2 mg/kg boluses, 22 mg/h for 4 days).
  @Test("published regimens pass")
  func publishedRegimensPass() throws {
    let weight = 70.0
    let regimens: [[Dose]] = [
      [.infusion(milligramsPerMinute: 0.5 * weight / 40, start: .zero, duration: ClockTime(minutes: 40))],
      [.bolus(milligrams: 2 * weight, at: .zero)],
      [.infusion(milligramsPerMinute: 7 * weight / 60, start: .zero, duration: ClockTime(minutes: 24 * 60))],
      [
        .bolus(milligrams: 2 * weight, at: .zero),
        .infusion(
          milligramsPerMinute: 6.3 * weight / 60, start: ClockTime(minutes: 1), duration: ClockTime(minutes: 29)),
        .infusion(
          milligramsPerMinute: 4.5 * weight / 60, start: ClockTime(minutes: 30), duration: ClockTime(minutes: 50)),
      ],
      [.infusion(milligramsPerMinute: 22.0 / 60, start: .zero, duration: ClockTime(minutes: 4 * 24 * 60))],
      [.infusion(milligramsPerMinute: 7 * weight / 60, start: .zero, duration: ClockTime(minutes: 10 * 24 * 60))],
      (0..<10).map { day in
        .infusion(
          milligramsPerMinute: 0.35 * weight / 60, start: ClockTime(minutes: Double(day) * 1440),
          duration: ClockTime(minutes: 240))
      },
    ]
    for doses in regimens {
      try limits.check(try DosingSchedule(doses), weightKilograms: weight)
    }
  }

  @Test("a bolus above 15 mg/kg is refused; 15 mg/kg exactly passes")
  func singleDose() throws {
    try limits.check(try DosingSchedule([.bolus(milligrams: 1050, at: .zero)]), weightKilograms: 70)
    #expect(throws: KetasimError.self) {
      try limits.check(try DosingSchedule([.bolus(milligrams: 1051, at: .zero)]), weightKilograms: 70)
    }
  }

  /// The README's example of the typo the hourly limit catches: mg/kg/min
  /// typed for mg/kg/h at the antidepressant dose, 82 kg.
  @Test("'0.5 mg/kg/min for 40 min' is refused; the boundary is 15 mg/kg in the busiest hour")
  func typoBoundary() throws {
    func check(_ spec: String) throws {
      try limits.check(try DosingSchedule(try DoseSpec(parsing: spec).doses(forWeight: 82)), weightKilograms: 82)
    }
    #expect(throws: KetasimError.self) { try check("0.5 mg/kg/min for 40 min") }
    #expect(throws: KetasimError.self) { try check("0.5 mg/kg/min for 31 min") }
    try check("0.5 mg/kg/min for 30 min")  // exactly 15 mg/kg
    try check("0.25 mg/kg/min for 3 h")  // 15 mg/kg in every hour
    #expect(throws: KetasimError.self) { try check("0.26 mg/kg/min for 60 min") }
  }

  @Test("more than 15 mg/kg within an hour is refused, from overlapping infusions and boluses together")
  func hourlyAmount() throws {
    let steady = Dose.infusion(milligramsPerMinute: 10 * 70 / 60, start: .zero, duration: ClockTime(minutes: 60))
    try limits.check(try DosingSchedule([steady]), weightKilograms: 70)
    do {
      let late = Dose.bolus(milligrams: 6 * 70, at: ClockTime(minutes: 30))
      try limits.check(try DosingSchedule([steady, late]), weightKilograms: 70)
      Issue.record("16 mg/kg within an hour was accepted")
    } catch let error as KetasimError {
      guard case .implausible(let what, let value, _) = error.problem else {
        Issue.record("expected implausible, got \(error)")
        return
      }
      #expect(what == "dosing of")
      #expect(value == "16 mg/kg within one hour from 0.0 min")
    }
  }

  /// A target-controlled fill: 1 mg/kg over 10 s is 360 mg/kg/h for 10 s.
  @Test("a short fast infusion is judged by its amount, like the bolus it resembles")
  func shortFastInfusion() throws {
    let fill = Dose.infusion(milligramsPerMinute: 70 * 6, start: .zero, duration: ClockTime(minutes: 1.0 / 6))
    try limits.check(try DosingSchedule([fill]), weightKilograms: 70)
  }

  /// Compares with a reference built on `milligramsGiven(through:)`.
  ///
  /// The reference tries every whole-second start, which includes every
  /// breakpoint-aligned window when all dose times are whole seconds; it
  /// stops 1 µs short of window edges, which costs at most
  /// 40 mg/min × 2 µs ≈ 1.3e-6 mg.
  @Test("the busiest hour equals a brute-force search over every second", arguments: 0..<12)
  func busiestWindowMatchesBruteForce(seed: UInt64) throws {
    var random = SplitMix64(seed: seed)
    var doses: [Dose] = []
    for _ in 0..<Int.random(in: 1...8, using: &random) {
      let start = ClockTime(minutes: Double(Int.random(in: 0...(4 * 3600), using: &random)) / 60)
      if Bool.random(using: &random) {
        doses.append(.bolus(milligrams: Double.random(in: 0...100, using: &random), at: start))
      } else {
        doses.append(
          .infusion(
            milligramsPerMinute: Double.random(in: 0...5, using: &random), start: start,
            duration: ClockTime(minutes: Double(Int.random(in: 1...7200, using: &random)) / 60)))
      }
    }
    let schedule = try DosingSchedule(doses)
    let found = try #require(schedule.busiestWindow(of: ClockTime(minutes: 60)))
    let tick = ClockTime(microseconds: 1)
    let hour = ClockTime(minutes: 60)
    /// `[s, s + 1 h)` (boluses at its start count) or `(s, s + 1 h]` (boluses
    /// at its end count), from the dose-by-dose `milligramsGiven(through:)`.
    func window(from second: Int, closedAtEnd: Bool) -> Double {
      let start = ClockTime(minutes: Double(second) / 60)
      let shift = closedAtEnd ? .zero : tick
      let before = closedAtEnd || second > 0 ? schedule.milligramsGiven(through: start - shift) : 0
      return schedule.milligramsGiven(through: start + hour - shift) - before
    }
    let lastStart = Int((schedule.breakpoints.last?.time.minutes ?? 0) * 60)
    var best = 0.0
    for second in 0...lastStart {
      best = max(best, window(from: second, closedAtEnd: false), window(from: second, closedAtEnd: true))
    }
    expectClose(found.milligrams, best, rel: 1e-12, abs: 2e-6)
  }

  @Test("the schedule total is bounded")
  func total() throws {
    // 14 mg/kg a day (within the bolus limit): 142 days are 1,988 mg/kg, 143 are 2,002.
    let daily = (0..<143).map { day in
      Dose.bolus(milligrams: 14 * 70, at: ClockTime(minutes: Double(day) * 1440))
    }
    try limits.check(try DosingSchedule(Array(daily.prefix(142))), weightKilograms: 70)
    #expect(throws: KetasimError.self) { try limits.check(try DosingSchedule(daily), weightKilograms: 70) }
  }

  @Test("the message names the value, the limit and the remedy, in words, without a flag")
  func message() {
    let error = KetasimError.implausible("weight", "700 kg", reason: "above 350 kg")
    #expect(error.remedy == .allowExtreme)
    #expect(error.description == "refusing weight 700 kg: above 350 kg; confirm extreme values to simulate it anyway")
  }
}
