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

  @Option(
    help: EventTable.TimeUnit.help(
      "Unit of TIME, DUR and II in event tables, and of the time in RATE", default: .hours),
    transform: EventTable.TimeUnit.parse)
  var eventTimeUnit = EventTable.TimeUnit.hours

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Syringe concentration in mg of base per mL: turns mL and mL/h doses into mg, adds rate_ml_per_h to the "
        + "CSV and the volume to the summary. Default: the regimen's."),
    transform: InputParsing.positiveNumber("syringe", "a positive concentration in mg/mL, such as 10"))
  var syringe: Double?

  /// `--id` chooses a subject of the `--events` table, so it needs one.
  func validate() throws {
    if let id, events == nil {
      throw KetasimError.invalidValue("id", id, accepted: "--id together with --events")
    }
  }

  /// Sets the regimens, event table and syringe of `request`.
  func fill(_ request: inout ScenarioRequest) {
    request.syringe = syringe
    request.eventTimeUnit = eventTimeUnit
    request.regimens = regimens
    request.eventTable = events
    request.eventTableID = id
  }
}
