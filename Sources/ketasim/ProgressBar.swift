import Foundation

/// A progress bar on stderr for long runs: drawn only when stderr is a
/// terminal, only once the run has taken more than a second, at most ten
/// times a second, and erased at the end.
final class ProgressBar {
  private let enabled: Bool
  private let label: String
  private let start = Date()
  private var lastDrawn: Date?
  private var drawn = false

  /// Seconds before the bar first appears.
  static let delay = 1.0

  /// - Parameter quiet: `--quiet`, which turns the bar off.
  init(label: String, quiet: Bool) {
    self.label = label
    enabled = !quiet && isatty(2) == 1
  }

  /// Shows `fraction` (0…1) done.
  func update(_ fraction: Double) {
    guard enabled else { return }
    let now = Date()
    guard now.timeIntervalSince(start) >= ProgressBar.delay else { return }
    if let lastDrawn, now.timeIntervalSince(lastDrawn) < 0.1, fraction < 1 { return }
    lastDrawn = now
    drawn = true
    let width = 30
    let clamped = min(max(fraction, 0), 1)
    let filled = Int(clamped * Double(width))
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let elapsed = Int(now.timeIntervalSince(start))
    FileHandle.standardError.write(
      Data("\r\(label) [\(bar)] \(Int(clamped * 100))% \(elapsed) s".utf8))
  }

  /// Erases the bar, if it was drawn.
  func finish() {
    guard drawn else { return }
    FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: label.count + 48) + "\r").utf8))
    drawn = false
  }
}
