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

  /// Every regimen of ketamine-pk.md §4 with a number must pass, including
  /// the largest (ICU 7 mg/kg/h, 2 mg/kg boluses, 22 mg/h for 4 days).
  @Test("published regimens pass")
  func publishedRegimensPass() throws {
    let weight = 70.0
    let regimens: [[Dose]] = [
      [.infusion(milligramsPerMinute: 0.5 * weight / 40, start: .zero, duration: ClockTime(minutes: 40))],
      [.bolus(milligrams: 2 * weight, at: .zero)],
      [.infusion(milligramsPerMinute: 7 * weight / 60, start: .zero, duration: ClockTime(minutes: 24 * 60))],
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

  @Test("a bolus above 20 mg/kg is refused; 20 mg/kg exactly passes")
  func singleDose() throws {
    try limits.check(try DosingSchedule([.bolus(milligrams: 1400, at: .zero)]), weightKilograms: 70)
    #expect(throws: KetasimError.self) {
      try limits.check(try DosingSchedule([.bolus(milligrams: 1401, at: .zero)]), weightKilograms: 70)
    }
  }

  /// '0.5 mg/kg over 40 s' where minutes were meant: 45 mg/kg/h.
  @Test("a rate above 20 mg/kg/h is refused, including two overlapping infusions that only sum above it")
  func rates() throws {
    let typo = try DoseSpec(parsing: "0.5 mg/kg over 40 s").doses(forWeight: 70)
    #expect(throws: KetasimError.self) { try limits.check(try DosingSchedule(typo), weightKilograms: 70) }
    let half = Dose.infusion(milligramsPerMinute: 12 * 70 / 60, start: .zero, duration: ClockTime(minutes: 60))
    try limits.check(try DosingSchedule([half]), weightKilograms: 70)
    do {
      try limits.check(try DosingSchedule([half, half]), weightKilograms: 70)
      Issue.record("24 mg/kg/h in two overlapping infusions was accepted")
    } catch KetasimError.implausible(let what, let value, _) {
      #expect(what == "an infusion rate of")
      #expect(value == "24 mg/kg/h from 0.0 min")
    }
  }

  @Test("the schedule total is bounded")
  func total() throws {
    let daily = (0..<110).map { day in
      Dose.bolus(milligrams: 19 * 70, at: ClockTime(minutes: Double(day) * 1440))
    }
    try limits.check(try DosingSchedule(Array(daily.prefix(105))), weightKilograms: 70)
    #expect(throws: KetasimError.self) { try limits.check(try DosingSchedule(daily), weightKilograms: 70) }
  }

  @Test("the message names the value, the limit and the flag")
  func message() {
    let error = KetasimError.implausible("weight", "700 kg", reason: "above 350 kg")
    #expect(error.description == "refusing weight 700 kg: above 350 kg; pass --allow-extreme to simulate it anyway")
  }
}
