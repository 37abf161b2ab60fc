import ArgumentParser
import KetasimCore

/// How the dosing profile is given on the command line.
struct DosingOptions: ParsableArguments {
  @Option(
    name: .customLong("dose"), parsing: .unconditionalSingleValue,
    help: ArgumentHelp(
      "A dose spec, or a chain ('0.75 mg/kg/h for 15 min then 0.375 mg/kg/h for 25 min'); repeatable, and "
        + "overlapping rates add. Default: '0.5 mg/kg over 40 min' (when no regimen or event table is given)."))
  var doses: [String] = []

  @Option(
    name: .customLong("change"), parsing: .unconditionalSingleValue,
    help: ArgumentHelp(
      "Change the running infusion: 'at 20 min to 0.3 mg/kg/h' (until it would have ended, or 'for 30 min') "
        + "or 'at 25 min stop'; repeatable."))
  var changes: [String] = []
}
