import ArgumentParser
import KetasimCore

/// How the dosing profile is given on the command line.
struct DosingOptions: ParsableArguments {
  @Option(
    name: .customLong("dose"), parsing: .unconditionalSingleValue,
    help: "A dose spec; repeatable. Default: '0.5 mg/kg over 40 min' (when no regimen or event table is given).")
  var doses: [String] = []
}
