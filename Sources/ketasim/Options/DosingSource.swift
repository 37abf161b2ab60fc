import KetasimCore

/// One source of doses: a regimen file, an event table or `--dose` specs.
struct DosingSource {
  var regimen: Regimen
  /// Whether it came from a file (regimen or event table): then its own
  /// duration applies by default, else the historical 4 h.
  var isFile: Bool
  /// What the user should be told about it (`ketasim: note:` on stderr).
  var notes: [String] = []

  var defaultDuration: ClockTime { isFile ? regimen.defaultDuration : GridOptions.defaultDuration }
  var defaultStep: ClockTime { regimen.output.step ?? GridOptions.defaultStep }
}
