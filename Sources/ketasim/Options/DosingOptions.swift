import ArgumentParser
import KetasimCore

/// How the dosing profile is given on the command line.
struct DosingOptions: ParsableArguments {
  /// The profile used when the user gives none.
  static let defaultDose = "0.5 mg/kg over 40 min"

  @Option(
    name: .customLong("dose"), parsing: .unconditionalSingleValue,
    help: "A dose spec; repeatable. Default: '0.5 mg/kg over 40 min' (when no regimen or event table is given).")
  var doses: [String] = []

  /// The specs in force: the user's, or the default.
  var specTexts: [String] { doses.isEmpty ? [Self.defaultDose] : doses }

  /// A short human label for titles and legends.
  var label: String { specTexts.joined(separator: " + ") }

  /// The doses for a patient of `weightKilograms` (the `--dose` specs or
  /// the default; regimens and event tables are ``ScenarioOptions``').
  func schedule(forWeight weightKilograms: Double) throws -> DosingSchedule {
    try DosingSchedule(try specs(texts: specTexts, syringe: nil).flatMap { $0.doses(forWeight: weightKilograms) })
  }

  /// Parses `texts` as dose specs; `syringe` (mg/mL) turns mL into mg.
  func specs(texts: [String], syringe: Double?) throws -> [DoseSpec] {
    try texts.map { try DoseSpec(parsing: $0, salt: .base, syringeMilligramsPerMilliliter: syringe) }
  }
}
