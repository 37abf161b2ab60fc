import ArgumentParser
import KetasimCore

/// Dosing from files: regimen files (or built-in regimens), NONMEM-style
/// event tables, and the syringe that turns mL into mg.
struct RegimenOptions: ParsableArguments {
  @Option(
    name: .customLong("regimen"),
    help: "A built-in regimen (see 'ketasim regimens') or a regimen file (YAML or JSON); repeatable.")
  var regimens: [String] = []

  @Option(
    help: ArgumentHelp(
      "A NONMEM-style event table (CSV with TIME, AMT and optionally ID, RATE, DUR, EVID, CMT, II, ADDL, SS; "
        + "TIME in h, AMT in mg, RATE in mg/h)."))
  var events: String?

  @Option(help: "The subject (ID) to simulate from a multi-subject event table.")
  var id: String?

  @Option(help: "Unit of TIME, DUR and II in event tables, and of the time in RATE: h or min.")
  var eventTimeUnit = "h"

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Syringe concentration in mg of base per mL: turns mL and mL/h doses into mg, adds rate_ml_per_h to the "
        + "CSV and the volume to the summary. Default: the regimen's."))
  var syringe: String?

  /// `--id` chooses a subject of the `--events` table, so it needs one.
  func validate() throws {
    if let id, events == nil {
      throw KetasimError.invalidValue("id", id, accepted: "--id together with --events")
    }
  }

  /// The `--syringe` value, if given.
  func syringeStrength() throws -> Double? {
    try syringe.map {
      try InputParsing.positiveNumber($0, "syringe", "a positive concentration in mg/mL, such as 10")
    }
  }

  /// The unit of event-table times.
  func timeUnit() throws -> EventTable.TimeUnit {
    guard let unit = EventTable.TimeUnit(rawValue: eventTimeUnit) else {
      throw KetasimError.invalidValue("event time unit", eventTimeUnit, accepted: "h or min")
    }
    return unit
  }

  /// Sets the regimens, event table and syringe of `request`, parsing what
  /// the user typed.
  func fill(_ request: inout ScenarioRequest) throws {
    request.syringe = try syringeStrength()
    request.eventTimeUnit = try timeUnit()
    request.regimens = regimens
    request.eventTable = events
    request.eventTableID = id
  }
}
