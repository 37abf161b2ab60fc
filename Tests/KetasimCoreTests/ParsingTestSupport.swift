import Foundation
import KetasimCore
import Testing

/// Helpers of the parsing and catalogue suites (DoseSpecTests, TimeTests, ModelCatalogTests, ModelFileTests).
///
/// Everything sits inside this namespace so that it cannot clash with the engine suites' helpers in TestSupport.swift.
enum ParsingSupport {
  /// `|a − b| ≤ rel · max(|a|, |b|)`; NaN never passes.
  static func isClose(_ a: Double, _ b: Double, rel: Double) -> Bool {
    abs(a - b) <= rel * max(abs(a), abs(b))
  }

  /// Microseconds in `seconds` whole seconds (exact integer arithmetic).
  static func microseconds(seconds: Int64) -> Int64 { seconds * 1_000_000 }

  /// The package root: the first directory above this file with a Package.swift.
  static let packageRoot: URL = {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while directory.path != "/" {
      if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
        return directory
      }
      directory.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  }()

  /// The `reason` of an ``KetasimError/invalidDose(_:reason:)``, or nil.
  static func invalidDose(_ error: any Error) -> (spec: String, reason: String)? {
    guard case .invalidDose(let spec, let reason)? = (error as? KetasimError)?.problem else { return nil }
    return (spec, reason)
  }

  /// The parts of an ``KetasimError/invalidData(_:reason:)``, with the
  /// location split into file, line and column when it has them.
  static func modelFileError(_ error: any Error) -> (file: String, line: Int?, column: Int?, reason: String)? {
    guard let error = error as? KetasimError, case .file? = error.origin, error.kind == .data else { return nil }
    // The message after `location: ` (a bad value inside the file keeps its own problem).
    let location = error.origin?.description ?? ""
    let reason = String(error.description.dropFirst(location.count + 2))
    let parts = location.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    if parts.count >= 3, let line = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]) {
      return (parts.dropLast(2).joined(separator: ":"), line, column, reason)
    }
    return (location, nil, nil, reason)
  }

  /// A fresh temporary directory; the caller removes it (`defer`).
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ketasim-parsing-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A dose as the tests expect it, in whole seconds so that times compare
  /// exactly with ``ClockTime``'s microseconds.
  enum ExpectedDose: Sendable, CustomStringConvertible {
    case bolus(milligrams: Double, atSeconds: Int64)
    case infusion(milligramsPerMinute: Double, startSeconds: Int64, durationSeconds: Int64)

    var description: String {
      switch self {
      case .bolus(let mg, let at): return "bolus \(mg) mg at \(at) s"
      case .infusion(let rate, let start, let duration):
        return "infusion \(rate) mg/min from \(start) s for \(duration) s"
      }
    }

    /// Whether `dose` is this dose: same kind, amounts within 1e-12 relative,
    /// times to the microsecond.
    func matches(_ dose: Dose) -> Bool {
      switch (self, dose) {
      case (.bolus(let mg, let at), .bolus(let actualMg, let actualAt)):
        return ParsingSupport.isClose(mg, actualMg, rel: 1e-12)
          && actualAt.microseconds == ParsingSupport.microseconds(seconds: at)
      case (
        .infusion(let rate, let start, let duration), .infusion(let actualRate, let actualStart, let actualDuration)
      ):
        return ParsingSupport.isClose(rate, actualRate, rel: 1e-12)
          && actualStart.microseconds == ParsingSupport.microseconds(seconds: start)
          && actualDuration.microseconds == ParsingSupport.microseconds(seconds: duration)
      default:
        return false
      }
    }
  }
}
