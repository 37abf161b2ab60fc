import ArgumentParser
import KetasimCore

/// How the dosing profile is given on the command line.
struct DosingOptions: ParsableArguments {
  /// The profile used when the user gives none.
  static let defaultDose = "0.5 mg/kg over 40 min"

  @Option(
    name: .customLong("dose"), parsing: .unconditionalSingleValue,
    help: "A dose spec; repeatable. Default: '0.5 mg/kg over 40 min'.")
  var doses: [String] = []

  /// The specs in force: the user's, or the default.
  var specTexts: [String] { doses.isEmpty ? [Self.defaultDose] : doses }

  /// A short human label for titles and legends.
  var label: String { specTexts.joined(separator: " + ") }

  /// The doses for a patient of `weightKilograms`.
  func schedule(forWeight weightKilograms: Double) throws -> DosingSchedule {
    let specs = try specTexts.map(DoseSpec.init(parsing:))
    return try DosingSchedule(specs.flatMap { $0.doses(forWeight: weightKilograms) })
  }
}
