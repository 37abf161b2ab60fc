import Foundation
import Testing

/// A model file with a `structure:` section (parent 2-cmt, metabolite formed from 80 % of its elimination)
/// through `ketasim simulate`, `--summary`, `--kernel` and `population`, against the 50-digit mpmath references
/// in Tests/Fixtures/GeneralStructure (metabolite_reference.csv, metabolite_readout.csv): never the program's
/// own output.
@Suite struct MetaboliteCommandTests {
  static let fixtures = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/GeneralStructure")
  static let model = fixtures.appendingPathComponent("test_metabolite_model.yaml").path
  /// The references' regimen on a grid that holds every reference time.
  static let run = [
    "--model", model, "--dose", "50 mg", "--dose", "2 mg/min for 30 min at 10 min", "--duration", "480.2 min",
    "--step", "6 s",
  ]

  /// Reference rows: time, three amounts (mg), cp, nk (ng/mL), nk (nmol/mL).
  static func states() throws -> [[Double]] {
    let text = try String(contentsOf: fixtures.appendingPathComponent("metabolite_reference.csv"), encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double(String($0)) ?? .nan } }
  }

  static func readout() throws -> [String: Double] {
    let text = try String(contentsOf: fixtures.appendingPathComponent("metabolite_readout.csv"), encoding: .utf8)
    var result: [String: Double] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",")
      result[String(fields[0])] = Double(String(fields[1]))
    }
    return result
  }

  static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * abs(b) }

  @Test(arguments: ["auto", "tiled", "blas", "scalar"])
  func timeCourseHasMetaboliteColumnsEqualToTheReference(kernel: String) throws {
    let result = try CLI.run(Self.run + ["--kernel", kernel, "--quiet"])
    #expect(result.status == 0, "\(result.stderr)")
    let table = try #require(CSVTable(result.stdout))
    #expect(
      Array(table.header.prefix(5)) == ["time_min", "rate_mg_per_h", "cp_ng_per_ml", "nk_ng_per_ml", "nk_nmol_per_ml"])
    for row in try Self.states() {
      for (k, column) in ["cp_ng_per_ml", "nk_ng_per_ml", "nk_nmol_per_ml"].enumerated() {
        let value = try #require(table.value(column, atMinutes: row[0]))
        #expect(Self.close(value, row[4 + k]), "\(kernel) \(column) at \(row[0]) min: \(value) vs \(row[4 + k])")
      }
    }
  }

  @Test func summaryReadsTheMetaboliteExactly() throws {
    let result = try CLI.run(Self.run + ["--summary", "--quiet"])
    #expect(result.status == 0, "\(result.stderr)")
    var metrics: [String: (value: String, unit: String)] = [:]
    for line in result.stdout.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      if fields.count == 3 { metrics[fields[0]] = (fields[1], fields[2]) }
    }
    for (metric, expected) in try Self.readout() {
      let value = try #require(metrics[metric].flatMap { Double($0.value) }, "\(metric)")
      #expect(Self.close(value, expected), "\(metric): \(value) vs \(expected)")
    }
    #expect(metrics["nk_auc"]?.unit == "ng*min/mL" && metrics["nk_molar_auc"]?.unit == "nmol*min/mL")
  }

  @Test func populationSubjectsCarryTheMetaboliteReadout() throws {
    let scratch = try TemporaryDirectory()
    let subjects = scratch.url.appendingPathComponent("subjects.csv").path
    let population = try CLI.run(
      ["population"] + Self.run + ["--subjects", "30", "--iiv", "CL=0", "--subjects-output", subjects, "--quiet"])
    #expect(population.status == 0, "\(population.stderr)")
    let table = try #require(CSVTable(try String(contentsOfFile: subjects, encoding: .utf8)))
    #expect(table.rows.count == 30)
    let reference = try Self.readout()
    for (column, metric) in [
      ("nk_max_ng_per_ml", "nk_max"), ("nk_tmax_min", "nk_tmax"), ("nk_auc_ng_min_per_ml", "nk_auc"),
      ("cp_auc_ng_min_per_ml", "cp_auc"),
    ] {
      let values = try #require(table.column(column), "\(column)")
      let expected = try #require(reference[metric])
      #expect(values.allSatisfy { Self.close($0, expected) }, "\(column): \(values.first ?? .nan) vs \(expected)")
    }
  }

  @Test func picturesAndTheSessionSheetRefuseAGeneralStructureInOneLine() throws {
    for option in [["--plot", "/tmp/ketasim-metabolite-refused.svg"], ["--report"], ["--chart"]] {
      let result = try CLI.run(Self.run + option)
      #expect(result.status == 64, "\(option): \(result.status)")
      #expect(result.stderrLines.count == 1, "\(result.stderr)")
      #expect(result.stderr.contains("general structure"), "\(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: "/tmp/ketasim-metabolite-refused.svg"))
    }
    // TCI plans mammillary models only, and says so.
    let tci = try CLI.run(["tci", "--model", Self.model, "--target", "200 ng/mL for 30 min"])
    #expect(tci.status != 0 && tci.stderrLines.count == 1, "\(tci.stderr)")
  }
}
