import Foundation
import KetasimCore
import Testing

/// `ModelDefinition(yaml:file:)` on hand-written files: every error names
/// `file:line:column` and what was expected; a valid user file loads.
@Suite struct ModelFileTests {
  static let file = "user/model.yaml"

  /// A valid 1-compartment model in the format of Models/README.md, one key
  /// per line so that the tests know the line and column of every value.
  static let baseLines: [String] = [
    "id: example1cmt",  // 1
    "name: \"Example one-compartment model\"",  // 2
    "drug: racemic ketamine",  // 3
    "compartments: 1",  // 4
    "sampling: unknown",  // 5
    "sampling_note: \"Illustration only.\"",  // 6
    "population: \"None; illustration only.\"",  // 7
    "citation: \"None.\"",  // 8
    "scaling: \"Volume linear in weight; clearance allometric with exponent 0.75.\"",  // 9
    "parameters:",  // 10
    "  V1:",  // 11
    "    value: 3.6",  // 12
    "    unit: L/kg",  // 13
    "    source: \"illustration\"",  // 14
    "    verification: \"[R] not a published value\"",  // 15
    "  CL:",  // 16
    "    value: 79",  // 17
    "    unit: L/h",  // 18
    "    allometric: {exponent: 0.75, reference_weight_kg: 70}",  // 19
    "    source: \"illustration\"",  // 20
    "    verification: \"[R] not a published value\"",  // 21
    "validity:",  // 22
    "  weight_kg: {min: 45, max: 110, source: \"assumption: illustration\"}",  // 23
    "  age_years: {min: 18, max: 75, source: \"assumption: illustration\"}",  // 24
    "notes:",  // 25
    "  - \"Example file; do not use for simulation of patients.\"",  // 26
  ]

  static func text(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }

  /// The base file with line `number` (1-based) replaced by `replacement`
  /// (which may hold several lines).
  static func replacing(line number: Int, with replacement: String) -> String {
    var lines = baseLines
    lines[number - 1] = replacement
    return text(lines)
  }

  /// The base file with `inserted` placed before line `number`.
  static func inserting(_ inserted: [String], before number: Int) -> String {
    var lines = baseLines
    lines.insert(contentsOf: inserted, at: number - 1)
    return text(lines)
  }

  /// Parses `text` expecting an invalid-model-file error; returns its parts.
  static func failure(
    _ text: String, sourceLocation: SourceLocation = #_sourceLocation
  ) -> (file: String, line: Int?, column: Int?, reason: String)? {
    do {
      let model = try ModelDefinition(yaml: text, file: file)
      Issue.record("expected an error, but the file loaded as '\(model.id)'", sourceLocation: sourceLocation)
      return nil
    } catch {
      guard let parts = ParsingSupport.modelFileError(error) else {
        Issue.record("expected invalidData, got \(error)", sourceLocation: sourceLocation)
        return nil
      }
      #expect(parts.file == file, "the error must name the file", sourceLocation: sourceLocation)
      #expect(!"\(error)".contains("\n"), "one line", sourceLocation: sourceLocation)
      return parts
    }
  }

  // MARK: - Valid files

  @Test func baseFileLoads() throws {
    let model = try ModelDefinition(yaml: Self.text(Self.baseLines), file: Self.file)
    #expect(model.id == "example1cmt")
    #expect(model.compartmentCount == 1)
    #expect(model.sampling == .unknown)
    #expect(model.parameters.map(\.name) == ["V1", "CL"])
    #expect(model.effectSite == nil)
    #expect(model.notes.count == 1)
    // 3.6 L/kg x 70 kg = 252 L; 79 L/h = 79/60 L/min at the 70 kg reference.
    let p = try model.parameters(for: Patient(weightKilograms: 70))
    #expect(ParsingSupport.isClose(p.centralVolume, 252, rel: 1e-12))
    #expect(ParsingSupport.isClose(p.clearance, 79.0 / 60, rel: 1e-12))
    #expect(p.peripherals.isEmpty)
    // At 35 kg: V 126 L, CL 79 (1/2)^0.75 / 60 L/min.
    let half = try model.parameters(for: Patient(weightKilograms: 35))
    #expect(ParsingSupport.isClose(half.centralVolume, 126, rel: 1e-12))
    #expect(ParsingSupport.isClose(half.clearance, 79 * pow(0.5, 0.75) / 60, rel: 1e-12))
  }

  @Test func userFileInATemporaryDirectoryLoadsThroughTheCatalogue() throws {
    let directory = try ParsingSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("example1cmt.yaml").path
    try Data(Self.text(Self.baseLines).utf8).write(to: URL(fileURLWithPath: path))
    let loaded = try ModelCatalog.loadModelFile(at: path)
    #expect(loaded.id == "example1cmt")
    let resolved = try ModelCatalog.builtIn().resolve(path)
    #expect(resolved.id == "example1cmt")
    #expect(
      ParsingSupport.isClose(try resolved.parameters(for: Patient(weightKilograms: 70)).centralVolume, 252, rel: 1e-12))
  }

  @Test func threeCompartmentMicroConstantFileGivesStanpumpRsDominoVolumes() throws {
    let text = """
      id: mydomino
      name: "Domino set, retyped"
      drug: racemic ketamine
      compartments: 3
      sampling: unknown
      population: "test"
      citation: "test"
      parameters:
        V1: {value: 0.063, unit: L/kg, source: "test [S]", verification: "[S]"}
        k10: {value: 26.286, unit: 1/h, source: "test [S]", verification: "[C] 0.4381 /min x 60"}
        k12: {value: 0.5921, unit: 1/min, source: "test [S]", verification: "[S]"}
        k21: {value: 0.2470, unit: 1/min, source: "test [S]", verification: "[S]"}
        k13: {value: 0.5900, unit: 1/min, source: "test [S]", verification: "[S]"}
        k31: {value: 0.0146, unit: 1/min, source: "test [S]", verification: "[S]"}
      validity:
        weight_kg: {min: 45, max: 110, source: "test"}
        age_years: {min: 18, max: 75, source: "test"}

      """
    let p = try ModelDefinition(yaml: text, file: Self.file).parameters(for: Patient(weightKilograms: 70))
    // R11: StevenLShafer/stanpumpR tests/testthat/test-drugs-ketamine.R:
    // v1 4.41, v2 10.56972, v3 178.2123 L; cl1 1.93158,
    // cl2 2.61072, cl3 2.6019 L/min (stanpumpR rounds k10 to 0.438: allow 0.1 %).
    #expect(ParsingSupport.isClose(p.centralVolume, 4.41, rel: 1e-12))
    #expect(ParsingSupport.isClose(p.clearance, 1.93158, rel: 1e-3))
    #expect(ParsingSupport.isClose(p.peripherals[0].volume, 10.56972, rel: 1e-3))
    #expect(ParsingSupport.isClose(p.peripherals[0].clearance, 2.61072, rel: 1e-3))
    #expect(ParsingSupport.isClose(p.peripherals[1].volume, 178.2123, rel: 1e-3))
    #expect(ParsingSupport.isClose(p.peripherals[1].clearance, 2.6019, rel: 1e-3))
  }

  @Test func clearanceInMillilitresPerMinutePerKilogramConverts() throws {
    // 19.1 mL/min/kg x 70 kg = 1.337 L/min.
    let text = Self.replacing(line: 17, with: "    value: 19.1").replacingOccurrences(
      of: "    unit: L/h\n    allometric: {exponent: 0.75, reference_weight_kg: 70}\n", with: "    unit: mL/min/kg\n")
    let p = try ModelDefinition(yaml: text, file: Self.file).parameters(for: Patient(weightKilograms: 70))
    #expect(ParsingSupport.isClose(p.clearance, 19.1 * 70 / 1000, rel: 1e-12))
  }

  // MARK: - Errors with file:line:column

  @Test func unknownTopLevelKey() throws {
    let parts = try #require(Self.failure(Self.inserting(["colour: blue"], before: 3)))
    #expect(parts.line == 3)
    #expect(parts.column == 1)
    #expect(parts.reason.contains("colour"))
    #expect(parts.reason.contains("citation"), "the reason lists the accepted keys")
  }

  @Test func unknownKeyInsideAParameter() throws {
    let parts = try #require(Self.failure(Self.replacing(line: 13, with: "    units: L/kg")))
    #expect(parts.line == 13)
    #expect(parts.column == 5)
    #expect(parts.reason.contains("units"))
  }

  @Test func unknownParameterName() throws {
    let parts = try #require(Self.failure(Self.replacing(line: 16, with: "  CLx:")))
    #expect(parts.line == 16)
    #expect(parts.column == 3)
    #expect(parts.reason.contains("CLx"))
  }

  @Test func unitThatDoesNotFitTheParameter() throws {
    let parts = try #require(Self.failure(Self.replacing(line: 13, with: "    unit: L/min")))
    #expect(parts.line == 13)
    #expect(parts.column == 11)
    #expect(parts.reason.contains("L/min"))
    #expect(parts.reason.contains("V1"))
    #expect(parts.reason.contains("L/kg"), "the reason lists the accepted units")
  }

  @Test func unknownUnitOnAClearance() throws {
    let parts = try #require(Self.failure(Self.replacing(line: 18, with: "    unit: L/day")))
    #expect(parts.line == 18)
    #expect(parts.column == 11)
    #expect(parts.reason.contains("L/day"))
  }

  @Test func mixedMicroConstantAndClearanceForms() throws {
    let text = Self.inserting(
      [
        "  k10:", "    value: 0.02", "    unit: 1/min", "    source: \"illustration\"",
        "    verification: \"[R] not a published value\"",
      ], before: 16)
    let parts = try #require(Self.failure(text))
    // The clearance entry now starts on line 21 (its value mapping on line 22).
    #expect(parts.line.map { (21...22).contains($0) } == true, "line \(String(describing: parts.line))")
    #expect(parts.reason.contains("CL"))
    #expect(parts.reason.contains("micro"))
  }

  @Test func missingParameter() throws {
    let parts = try #require(Self.failure(Self.replacing(line: 4, with: "compartments: 2")))
    // Points into the parameters block (lines 10-21).
    #expect(parts.line.map { (10...21).contains($0) } == true, "line \(String(describing: parts.line))")
    #expect(parts.column != nil)
    #expect(parts.reason.contains("V2"))
    #expect(parts.reason.contains("Q2"))
  }

  @Test func negativeValue() throws {
    let parts = try #require(Self.failure(Self.replacing(line: 12, with: "    value: -3.6")))
    #expect(parts.line == 12)
    #expect(parts.column == 12)
    #expect(parts.reason.contains("-3.6"))
    #expect(parts.reason.contains("positive"))
  }

  @Test(arguments: ["0", ".nan", ".inf", "abc", "[1, 2]"])
  func nonPositiveOrNonNumericValue(value: String) throws {
    let parts = try #require(Self.failure(Self.replacing(line: 17, with: "    value: \(value)")))
    #expect(parts.line == 17)
    #expect(parts.column == 12)
  }

  @Test(arguments: ["4", "0", "1.5", "two"])
  func wrongCompartmentCount(count: String) throws {
    let parts = try #require(Self.failure(Self.replacing(line: 4, with: "compartments: \(count)")))
    #expect(parts.line == 4)
    #expect(parts.column == 15)
  }

  @Test func compartmentCountThatDoesNotMatchTheParameters() throws {
    // Three compartments declared, one compartment's parameters given.
    let parts = try #require(Self.failure(Self.replacing(line: 4, with: "compartments: 3")))
    #expect(parts.line.map { (10...21).contains($0) } == true)
    #expect(parts.reason.contains("V3"))
  }

  @Test func yamlSyntaxError() throws {
    let parts = try #require(Self.failure(Self.replacing(line: 2, with: "name: \"Example one-compartment model")))
    #expect(parts.line != nil && parts.column != nil, "a syntax error still has a line and column")
    #expect((parts.line ?? 0) >= 2)
    #expect(parts.reason.contains("YAML"))
  }

  @Test func yamlIndentationError() throws {
    let parts = try #require(Self.failure(Self.replacing(line: 13, with: "      unit: L/kg")))
    #expect(parts.line.map { (12...14).contains($0) } == true, "line \(String(describing: parts.line))")
    #expect(parts.column != nil)
  }

  @Test func missingRequiredKey() throws {
    var lines = Self.baseLines
    lines.remove(at: 7)  // citation
    let parts = try #require(Self.failure(Self.text(lines)))
    #expect(parts.reason.contains("citation"))
    #expect(parts.line == 1)
  }

  @Test func unknownSamplingSite() throws {
    let parts = try #require(Self.failure(Self.replacing(line: 5, with: "sampling: capillary")))
    #expect(parts.line == 5)
    #expect(parts.column == 11)
    #expect(parts.reason.contains("arterial"))
  }

  @Test func allometricScalingOnAPerKilogramUnit() throws {
    let text = Self.inserting(["    allometric: {exponent: 1, reference_weight_kg: 70}"], before: 14)
    let parts = try #require(Self.failure(text))
    #expect(parts.line == 14)
  }

  @Test func validityRangeWithMinimumAboveMaximum() throws {
    let parts = try #require(
      Self.failure(Self.replacing(line: 23, with: "  weight_kg: {min: 110, max: 45, source: \"x\"}")))
    #expect(parts.line == 23)
    #expect(parts.reason.contains("min"))
  }

  @Test func effectSiteWithAConfidenceIntervalThatMissesTheValue() throws {
    let text = Self.inserting(
      [
        "ke0:", "  value: 0.5", "  unit: 1/min", "  ci95: [0.1, 0.2]", "  endpoint: \"x\"", "  source: \"x\"",
        "  verification: \"x\"",
      ], before: 25)
    let parts = try #require(Self.failure(text))
    #expect(parts.line == 28)
    #expect(parts.column == 9)
  }

  @Test func idThatDoesNotMatchTheFileName() throws {
    do {
      _ = try ModelDefinition(yaml: Self.text(Self.baseLines), file: "Models/other.yaml", expectedID: "other")
      Issue.record("expected an error")
    } catch {
      let parts = try #require(ParsingSupport.modelFileError(error))
      #expect(parts.line == 1)
      #expect(parts.column == 5)
      #expect(parts.reason.contains("other"))
    }
  }

  @Test func emptyFile() throws {
    let parts = try #require(Self.failure(""))
    #expect(parts.reason.contains("empty"))
  }

  @Test func fileThatIsAListNotAMapping() throws {
    let parts = try #require(Self.failure("- a\n- b\n"))
    #expect(parts.line == 1)
  }

  // MARK: - Files on disk

  @Test func missingFileIsAFileAccessError() throws {
    let error = #expect(throws: KetasimError.self) {
      try ModelCatalog.loadModelFile(at: "/nonexistent-ketasim-dir/model.yaml")
    }
    guard case .unreadable? = error?.problem, case .file(let path, _, _)? = error?.origin else {
      Issue.record("expected unreadable, got \(String(describing: error))")
      return
    }
    #expect(path == "/nonexistent-ketasim-dir/model.yaml")
  }

  @Test func directoryIsAFileAccessError() throws {
    let directory = try ParsingSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let error = #expect(throws: KetasimError.self) { try ModelCatalog.loadModelFile(at: directory.path) }
    guard case .unreadable? = error?.problem else {
      Issue.record("expected unreadable, got \(String(describing: error))")
      return
    }
  }

  @Test func nonUTF8FileIsAnInvalidModelFile() throws {
    let directory = try ParsingSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("latin1.yaml").path
    try Data([0x69, 0x64, 0x3A, 0x20, 0xE9, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: KetasimError.self) { try ModelCatalog.loadModelFile(at: path) }
    // Readable but not text: bad data (exit 65), like a non-UTF-8 patients table.
    guard case .invalidData(let reason)? = error?.problem, let location = error?.origin?.description else {
      Issue.record("expected invalidData, got \(String(describing: error))")
      return
    }
    #expect(location == path)
    #expect(reason.contains("UTF-8"))
  }

  @Test func errorsFromAFileOnDiskNameItsPath() throws {
    let directory = try ParsingSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("bad.yaml").path
    try Data(Self.replacing(line: 13, with: "    unit: L/min").utf8).write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: KetasimError.self) { try ModelCatalog.loadModelFile(at: path) }
    #expect(error?.description.hasPrefix("\(path):13:11: ") == true, "\(String(describing: error))")
  }
}
