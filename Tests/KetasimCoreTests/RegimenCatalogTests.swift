import Foundation
import KetasimCore
import Testing

/// The example regimens shipped in Models/regimens: each parses, cites its
/// sources, and gives the doses of its protocol (worked out by hand at 70 kg).
@Suite struct RegimenCatalogTests {
  static let minute: Int64 = 60_000_000
  static let hour = 60 * minute
  static let day = 24 * hour

  struct Example: Sendable, CustomTestStringConvertible {
    var name: String
    /// Start of every administration (µs).
    var starts: [Int64]
    /// Total at 70 kg (mg).
    var totalMilligrams: Double
    var testDescription: String { name }
  }

  static let examples: [Example] = [
    // 0.5 mg/kg x 70 kg = 35 mg over 40 min.
    Example(name: "antidepressant-single", starts: [0], totalMilligrams: 35),
    // Mon/Wed/Fri for two weeks (days 0, 2, 4, 7, 9, 11), then every 28 days
    // from day 39 (= 11 + 28), six times: 12 x 35 mg = 420 mg.
    Example(
      name: "depression-series-maintenance",
      starts: [0, 2, 4, 7, 9, 11, 39, 67, 95, 123, 151, 179].map { $0 * day }, totalMilligrams: 420),
    // 0.35 mg/kg/h x 70 kg x 4 h = 98 mg a day, ten days: 980 mg.
    Example(name: "crps-daily", starts: (0..<10).map { $0 * day }, totalMilligrams: 980),
    // 0.15 mg/kg/h x 70 kg x 24 h = 252 mg.
    Example(name: "analgesic-low-dose", starts: [0], totalMilligrams: 252),
    // 1 mg/kg = 70 mg, then 0.5 mg/kg = 35 mg at 10 and 20 min: 140 mg.
    Example(name: "procedural-sedation", starts: [0, 10 * minute, 20 * minute], totalMilligrams: 140),
    // (0.1 x 24 + 0.3 x 24 + 0.5 x 72) mg/kg x 70 kg = 45.6 x 70 = 3192 mg.
    Example(name: "pain-titration", starts: [0, day, 2 * day], totalMilligrams: 3192),
  ]

  @Test func theCatalogueHoldsExactlyTheExamples() {
    #expect(RegimenCatalog.names == Self.examples.map(\.name).sorted())
  }

  @Test(arguments: examples)
  func exampleGivesTheProtocolsDoses(_ example: Example) throws {
    let regimen = try RegimenCatalog.resolve(example.name)
    #expect(regimen.id == example.name, "the id must match the file name")
    let schedule = try regimen.schedule(forWeight: 70)
    #expect(schedule.doses.map(\.start.microseconds).sorted() == example.starts)
    #expect(abs(schedule.totalMilligrams - example.totalMilligrams) <= 1e-9 * example.totalMilligrams)
  }

  @Test(arguments: examples)
  func exampleCitesTaggedSources(_ example: Example) throws {
    let regimen = try RegimenCatalog.resolve(example.name)
    #expect(!regimen.sources.isEmpty)
    #expect(!regimen.summary.isEmpty)
    for source in regimen.sources {
      #expect(
        ["[V]", "[V2]", "[S]", "[C]", "assumption"].contains { source.contains($0) },
        "source without a verification tag: \(source)")
    }
  }

  @Test func theFilesOnDiskAreTheEmbeddedOnes() throws {
    let folder = ParsingSupport.packageRoot.appendingPathComponent("Models/regimens")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
    #expect(files.sorted().map { String($0.dropLast(5)) } == RegimenCatalog.names)
    for file in files {
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      #expect(RegimenCatalog.text(of: String(file.dropLast(5))) == text, "\(file) differs from the embedded copy")
    }
  }

  @Test func anUnknownNameListsTheBuiltInOnes() throws {
    let error = #expect(throws: KetasimError.self) { try RegimenCatalog.resolve("antidepressant") }
    guard case .unknownName(.regimen, let name, let available)? = error?.problem else {
      Issue.record("expected unknownRegimen, got \(String(describing: error))")
      return
    }
    #expect(name == "antidepressant")
    #expect(available == RegimenCatalog.names)
  }

  @Test func aFilePathLoadsWithModelPathsRelativeToTheFile() throws {
    let directory = try ParsingSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("mine.yaml").path
    try "model: models/custom.yaml\nsteps:\n  - dose: 1 mg/kg\n".write(toFile: path, atomically: true, encoding: .utf8)
    let regimen = try RegimenCatalog.resolve(path)
    #expect(regimen.id == "mine")
    #expect(regimen.model == directory.appendingPathComponent("models/custom.yaml").path)
  }

  @Test func aMissingFileIsAFileAccessError() throws {
    let error = #expect(throws: KetasimError.self) { try RegimenCatalog.resolve("/nonexistent/regimen.yaml") }
    guard case .unreadable? = error?.problem else {
      Issue.record("expected unreadable, got \(String(describing: error))")
      return
    }
  }
}
