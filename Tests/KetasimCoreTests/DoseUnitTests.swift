import Foundation
import KetasimCore
import Testing

private typealias Expected = ParsingSupport.ExpectedDose

/// Clinical units of dose specs: every conversion against hand arithmetic
/// for a 70 kg patient (mg, mg/min, whole seconds).
@Suite struct DoseUnitTests {
  static let minute: Int64 = 60
  static let hour: Int64 = 3600

  /// mg of base in 1 mg of ketamine HCl: 237.73 / 274.19 (molar masses).
  static let base = 237.73 / 274.19

  struct Case: Sendable, CustomTestStringConvertible {
    var spec: String
    var salt: KetamineSalt = .base
    var syringe: Double?
    var dose: ParsingSupport.ExpectedDose
    var testDescription: String { "'\(spec)'" + (syringe.map { " with a \($0) mg/mL syringe" } ?? "") }
  }

  static let cases: [Case] = [
    // Amounts: mg, ug, mcg, mg/kg, ug/kg.
    Case(spec: "35 mg", dose: .bolus(milligrams: 35, atSeconds: 0)),
    Case(spec: "750 ug", dose: .bolus(milligrams: 0.75, atSeconds: 0)),
    Case(spec: "750 mcg", dose: .bolus(milligrams: 0.75, atSeconds: 0)),
    // 0.5 mg/kg x 70 kg = 35 mg.
    Case(spec: "0.5 mg/kg", dose: .bolus(milligrams: 35, atSeconds: 0)),
    // 250 ug/kg x 70 kg = 17500 ug = 17.5 mg.
    Case(spec: "250 ug/kg", dose: .bolus(milligrams: 17.5, atSeconds: 0)),
    // Rates: 21 mg/h = 0.35 mg/min.
    Case(
      spec: "21 mg/h for 2 h", dose: .infusion(milligramsPerMinute: 0.35, startSeconds: 0, durationSeconds: 2 * hour)),
    Case(
      spec: "2 mg/min for 5 min", dose: .infusion(milligramsPerMinute: 2, startSeconds: 0, durationSeconds: 5 * minute)),
    // 0.35 mg/kg/h x 70 kg = 24.5 mg/h = 0.408333... mg/min.
    Case(
      spec: "0.35 mg/kg/h for 4 h",
      dose: .infusion(milligramsPerMinute: 24.5 / 60, startSeconds: 0, durationSeconds: 4 * hour)),
    // 0.5 mg/kg/min x 70 kg = 35 mg/min (the label's induction rate).
    Case(
      spec: "0.5 mg/kg/min for 2 min",
      dose: .infusion(milligramsPerMinute: 35, startSeconds: 0, durationSeconds: 2 * minute)),
    // 41 ug/kg/min x 70 kg = 2870 ug/min = 2.87 mg/min (Idvall 1979).
    Case(
      spec: "41 ug/kg/min for 1 h",
      dose: .infusion(milligramsPerMinute: 2.87, startSeconds: 0, durationSeconds: hour)),
    // mL with a 10 mg/mL syringe: 12 mL/h = 120 mg/h = 2 mg/min.
    Case(
      spec: "12 mL/h for 2 h", syringe: 10,
      dose: .infusion(milligramsPerMinute: 2, startSeconds: 0, durationSeconds: 2 * hour)),
    // 5 mL x 10 mg/mL = 50 mg.
    Case(spec: "5 mL at 10 min", syringe: 10, dose: .bolus(milligrams: 50, atSeconds: 10 * minute)),
    // 0.05 mL/kg x 70 kg x 50 mg/mL = 175 mg.
    Case(spec: "0.05 mL/kg", syringe: 50, dose: .bolus(milligrams: 175, atSeconds: 0)),
    // 0.6 mL/min x 1 mg/mL = 0.6 mg/min.
    Case(
      spec: "0.6 ml/min for 30 min", syringe: 1,
      dose: .infusion(milligramsPerMinute: 0.6, startSeconds: 0, durationSeconds: 30 * minute)),
    // Ketamine HCl to base: 50 mg HCl x 237.73/274.19 = 43.35132572... mg.
    Case(spec: "50 mg HCl", dose: .bolus(milligrams: 50 * base, atSeconds: 0)),
    Case(spec: "50 mg hcl at 5 min", dose: .bolus(milligrams: 50 * base, atSeconds: 5 * minute)),
    // 0.5 mg/kg HCl over 40 min: 35 mg HCl = 30.3459... mg base, / 40 min.
    Case(
      spec: "0.5 mg/kg HCl over 40 min",
      dose: .infusion(milligramsPerMinute: 35 * base / 40, startSeconds: 0, durationSeconds: 40 * minute)),
    // 20 mg/h HCl = 17.3405... mg/h base.
    Case(
      spec: "20 mg/h HCl for 1 h",
      dose: .infusion(milligramsPerMinute: 20 * base / 60, startSeconds: 0, durationSeconds: hour)),
    // A regimen stated in HCl: the default salt applies unless the spec says base.
    Case(spec: "50 mg", salt: .hydrochloride, dose: .bolus(milligrams: 50 * base, atSeconds: 0)),
    Case(spec: "50 mg base", salt: .hydrochloride, dose: .bolus(milligrams: 50, atSeconds: 0)),
    // mL take the syringe's strength (stated as base) whatever the salt.
    Case(spec: "5 mL", salt: .hydrochloride, syringe: 10, dose: .bolus(milligrams: 50, atSeconds: 0)),
  ]

  @Test(arguments: cases)
  func convertsToMilligramsOfBase(_ example: Case) throws {
    let spec = try DoseSpec(parsing: example.spec, salt: example.salt, syringeMilligramsPerMilliliter: example.syringe)
    let doses = spec.doses(forWeight: 70)
    try #require(doses.count == 1, "got \(doses)")
    #expect(example.dose.matches(doses[0]), "expected \(example.dose), got \(doses[0])")
  }

  @Test func hydrochlorideFactorMatchesTheLabel() {
    // Ketalar: 10 mg base = 11.53 mg ketamine HCl (factor 1.153).
    let factor = 1 / KetamineSalt.hydrochloride.baseFraction
    #expect((factor * 1000).rounded() / 1000 == 1.153)
    #expect(abs(11.53 * KetamineSalt.hydrochloride.baseFraction - 10) < 0.005)
    #expect(KetamineSalt.base.baseFraction == 1)
    // 274.19 = 237.73 + 36.46 (HCl).
    #expect(abs(KetamineSalt.hydrochlorideMolarMass - KetamineSalt.baseMolarMass - 36.46) < 1e-9)
  }

  @Test(arguments: ["12 mL/h for 2 h", "5 mL", "0.1 mL/kg"])
  func volumesWithoutASyringeAreRejected(_ text: String) throws {
    let error = #expect(throws: KetasimError.self) { try DoseSpec(parsing: text) }
    let parts = try #require(error.flatMap(ParsingSupport.invalidDose))
    #expect(parts.spec == text)
    #expect(parts.reason.contains("syringe"), "reason: \(parts.reason)")
  }

  @Test func aSaltWordOnAVolumeIsRejected() throws {
    let error = #expect(throws: KetasimError.self) {
      try DoseSpec(parsing: "12 mL/h HCl for 2 h", salt: .base, syringeMilligramsPerMilliliter: 10)
    }
    #expect(error.flatMap(ParsingSupport.invalidDose)?.reason.contains("syringe") == true)
  }

  @Test func aNonPositiveSyringeIsRejected() throws {
    #expect(throws: KetasimError.self) {
      try DoseSpec(parsing: "5 mL", salt: .base, syringeMilligramsPerMilliliter: 0)
    }
  }

  @Test(arguments: ["1 mg every 36000 d x 100000", "1 mg at 36000 d every 1 d x 1000"])
  func repeatsRunningPastOneHundredYearsAreRejected(_ text: String) throws {
    // 36000 d x 99999 overflows 64-bit microseconds; both end beyond 100 years.
    let error = #expect(throws: KetasimError.self) { try DoseSpec(parsing: text) }
    #expect(error.flatMap(ParsingSupport.invalidDose)?.reason.contains("100 years") == true)
    #expect(throws: Never.self) { try DoseSpec(parsing: "1 mg every 1 d x 36000") }
  }

  @Test func saltNamesAreCaseInsensitive() {
    #expect(KetamineSalt(named: "HCl") == .hydrochloride)
    #expect(KetamineSalt(named: "hydrochloride") == .hydrochloride)
    #expect(KetamineSalt(named: "BASE") == .base)
    #expect(KetamineSalt(named: "sulfate") == nil)
  }
}
