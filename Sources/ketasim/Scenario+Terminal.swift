import KetasimCore

extension Scenario {
  /// Prints the scenario's notes on stderr, one `ketasim: note:` line each.
  func printNotes() {
    for note in notes { Terminal.note("ketasim: note: \(note)") }
  }
}
