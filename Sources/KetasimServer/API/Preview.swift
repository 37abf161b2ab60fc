import Foundation
import KetasimCore
import KetasimRender

/// What the server answers, computed by the library exactly as the command
/// line computes it, without HTTP: each method takes a decoded request body
/// and returns the bytes of the response.
///
/// Every request is checked against ``limits`` before the work starts, so
/// that no request can hold a worker for long: a page request answers in
/// milliseconds, and the largest accepted one (2,000 subjects over a week at
/// 1 min, drawn as PNG) in about 0.2 s on one core.
public struct Preview: Sendable {
  /// The server's limits: a time course of at most 50,000 rows (five weeks
  /// at 1 min), a population of at most 20 million subject-times, and
  /// 256 MB of estimated memory per request.
  package static let serverLimits: ResourceLimits = {
    var limits = ResourceLimits()
    limits.maximumRows = 50_000
    limits.maximumSubjectTimes = 20_000_000
    limits.maximumMemoryBytes = 256 << 20
    return limits
  }()

  /// The limits every request is checked against.
  package var limits: ResourceLimits

  /// The preview with the server's limits.
  public init() { self.limits = Self.serverLimits }

  /// The preview with other limits (tests).
  package init(limits: ResourceLimits) { self.limits = limits }

  /// The time course, byte for byte what `ketasim simulate` writes.
  public func timeCourseCSV(_ body: ScenarioBody) throws -> [UInt8] {
    let scenario = try body.resolve(limits: limits)
    switch try scenario.run() {
    case .mammillary(let simulation): return try Self.timeCourse(simulation, scenario)
    case .general(let simulation): return try Self.timeCourse(simulation, scenario)
    }
  }

  private static func timeCourse<System>(_ simulation: ExactSimulation<System>, _ scenario: Scenario) throws
    -> [UInt8]
  {
    var course = TimeCourse(
      simulation: simulation, grid: scenario.grid, thresholds: scenario.subject.thresholds,
      syringeMilligramsPerMilliliter: scenario.syringe, outputTimes: nil)
    course.endpoints = scenario.subject.endpoints
    return try CSVBytes.write { writer in _ = try course.write(to: &writer) }
  }
}

extension Preview {
  /// What `/api/population` and `/api/tci` answer: the command's CSV, its
  /// read-out as JSON (as `--summary`), or its picture (as `--plot`).
  public enum OutputFormat: String, Sendable, CaseIterable {
    case csv, json, svg, png, pdf

    /// The picture format, or nil for CSV and JSON.
    var picture: PictureFormat? { PictureFormat(rawValue: rawValue) }

    /// The HTTP content type.
    var contentType: String {
      switch self {
      case .csv: "text/csv; charset=utf-8"
      case .json: "application/json"
      case .svg, .png, .pdf: picture?.contentType ?? "application/octet-stream"
      }
    }
  }
}

/// A CSV document collected in memory (the server's answers are small).
enum CSVBytes {
  static func write(_ body: (inout CSVWriter) throws -> Void) throws -> [UInt8] {
    var bytes: [UInt8] = []
    var writer = CSVWriter(sink: { bytes += $0 })
    try body(&writer)
    try writer.flush()
    return bytes
  }
}

/// A JSON document of a Codable value, keys sorted so that answers are stable.
enum JSONBytes {
  static func encode(_ value: some Encodable) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return Array(try encoder.encode(value))
  }
}
