import Foundation
import Testing

/// Runs the built `ketasim` binary as a subprocess and collects what it printed.
///
/// Everything here is independent of KetasimCore: the suite talks to the program only through its command line, exit
/// status and files.
enum CLI {
  /// What a finished run left behind.
  struct Result {
    var status: Int32
    /// `true` when the process ended by a signal (a crash, a trap).
    var signalled: Bool
    var stdout: String
    var stderr: String

    /// Non-empty lines written on stderr.
    var stderrLines: [String] {
      stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
  }

  enum Failure: Error, CustomStringConvertible {
    case binaryNotFound([String])
    case timedOut([String])
    var description: String {
      switch self {
      case .binaryNotFound(let tried):
        return "ketasim binary not found; looked in: \(tried.joined(separator: ", ")). Build it with 'swift build'."
      case .timedOut(let arguments): return "ketasim \(arguments.joined(separator: " ")) did not finish in time"
      }
    }
  }

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

  /// Directories that can hold the `ketasim` built with this test bundle,
  /// most specific first: `KETASIM_BINARY` (a file) wins over everything,
  /// then the products directory that holds the running test bundle, then the
  /// package's build folders.
  static func candidateBinaries() -> [URL] {
    var candidates: [URL] = []
    if let explicit = ProcessInfo.processInfo.environment["KETASIM_BINARY"], !explicit.isEmpty {
      candidates.append(URL(fileURLWithPath: explicit))
    }
    var productDirectories: [URL] = []
    // On Linux the test runner is `<products>/ketasimPackageTests.xctest`,
    // an executable: Bundle.main is its directory or the bundle itself.
    for url in [Bundle.main.bundleURL, Bundle.main.executableURL].compactMap({ $0 }) {
      productDirectories.append(url)
      productDirectories.append(url.deletingLastPathComponent())
      productDirectories.append(url.deletingLastPathComponent().deletingLastPathComponent())
    }
    if let first = CommandLine.arguments.first {
      let runner = URL(fileURLWithPath: first).standardizedFileURL
      productDirectories.append(runner.deletingLastPathComponent())
    }
    for directory in productDirectories {
      candidates.append(directory.appendingPathComponent("ketasim"))
    }
    for folder in [".build-cli-tests", ".build"] {
      candidates.append(packageRoot.appendingPathComponent(folder).appendingPathComponent("debug/ketasim"))
    }
    return candidates
  }

  /// The `ketasim` executable next to the running test bundle.
  static func binary() throws -> URL {
    let candidates = candidateBinaries()
    for candidate in candidates {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
        FileManager.default.isExecutableFile(atPath: candidate.path)
      {
        return candidate.resolvingSymlinksInPath()
      }
    }
    throw Failure.binaryNotFound(candidates.map(\.path))
  }

  /// Runs `executable` (default: the built ketasim) with `arguments`, stdin
  /// from /dev/null and stdout/stderr captured through files (no pipe can
  /// fill up and stall the child); `environment` adds to (or overrides) this
  /// process's variables.
  static func run(
    _ arguments: [String], executable: URL? = nil, in directory: URL? = nil, timeout: TimeInterval = 120,
    environment: [String: String] = [:]
  ) throws -> Result {
    let scratch = try TemporaryDirectory()
    let outURL = scratch.url.appendingPathComponent("stdout")
    let errURL = scratch.url.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)
    defer {
      try? outHandle.close()
      try? errHandle.close()
    }
    let process = Process()
    process.executableURL = try executable ?? binary()
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = outHandle
    process.standardError = errHandle
    if let directory { process.currentDirectoryURL = directory }
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    try process.run()
    try wait(for: process, timeout: timeout, arguments: arguments)
    return Result(
      status: process.terminationStatus,
      signalled: process.terminationReason == .uncaughtSignal,
      stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
      stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
  }

  /// Waits for `process`, terminating it (this test's own child, by its
  /// handle) if it runs past `timeout`.
  static func wait(for process: Process, timeout: TimeInterval, arguments: [String]) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning {
      if Date() > deadline {
        process.terminate()
        process.waitUntilExit()
        throw Failure.timedOut(arguments)
      }
      usleep(5_000)
    }
    process.waitUntilExit()
  }
}

/// A fresh directory under the system temporary directory, removed when the
/// value goes away.
final class TemporaryDirectory {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ketasim-cli-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// Names of everything in the directory, hidden files included.
  func contents() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A parsed `ketasim` CSV table.
struct CSVTable {
  var header: [String]
  var rows: [[Double]]

  /// Parses the output; records an issue and returns nil if a field is not a
  /// number or a row has the wrong width.
  init?(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    guard let first = lines.first else {
      Issue.record("empty CSV output", sourceLocation: sourceLocation)
      return nil
    }
    header = first.split(separator: ",").map(String.init)
    rows = []
    for (index, line) in lines.dropFirst().enumerated() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      let values = fields.compactMap { Double($0) }
      guard fields.count == header.count, values.count == fields.count else {
        Issue.record("CSV row \(index + 1) is not \(header.count) numbers: '\(line)'", sourceLocation: sourceLocation)
        return nil
      }
      rows.append(values)
    }
  }

  func column(_ name: String) -> [Double]? {
    guard let index = header.firstIndex(of: name) else { return nil }
    return rows.map { $0[index] }
  }

  /// The value of column `name` in the row whose time is `minutes`.
  func value(_ name: String, atMinutes minutes: Double) -> Double? {
    guard let index = header.firstIndex(of: name), let time = header.firstIndex(of: "time_min") else { return nil }
    return rows.first { abs($0[time] - minutes) < 1e-9 }?[index]
  }
}

/// Relative closeness with an absolute floor for values at or near zero.
func isClose(_ a: Double, _ b: Double, relative: Double, absolute: Double = 0) -> Bool {
  abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}
