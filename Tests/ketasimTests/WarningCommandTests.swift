import Foundation
import Testing

/// The same warnings from every front end: one place computes them
/// (`RunWarnings`), and the CSV run, `--plot`, `--chart`, `compare`,
/// `population` (for its typical patient) and `tci` all show them.
@Suite struct WarningCommandTests {
  /// 0.3 mg/kg as a bolus in Domino's small central volume peaks near
  /// 4,760 ng/mL: far above the 1,000 ng/mL anaesthesia level.
  static let dose = ["--model", "domino1984", "--dose", "0.3 mg/kg"]

  /// The warnings of the `--summary` read-out's `warnings` row.
  static func summaryWarnings(_ arguments: [String]) throws -> [String] {
    let result = try CLI.run(arguments + ["--summary"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let row = result.stdout.split(separator: "\n").first { $0.hasPrefix("warnings,") }
    let text = try #require(row.map { String($0.dropFirst("warnings,".count).dropLast()) })
    return text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  @Test func summaryNamesTheAnaesthesiaPeak() throws {
    let warnings = try Self.summaryWarnings(Self.dose)
    #expect(warnings.contains { $0.hasPrefix("predicted plasma peak 4761.9") && $0.contains("anaesthesia") })
  }

  @Test func everyFrontEndPrintsTheSameWarnings() throws {
    let expected = try Self.summaryWarnings(Self.dose)
    try #require(!expected.isEmpty)
    let scratch = try TemporaryDirectory()
    let plot = scratch.path("run.svg")
    let runs: [(String, [String])] = [
      ("CSV", Self.dose),
      ("plot and chart", Self.dose + ["--plot", plot, "--chart"]),
      ("compare", ["compare"] + Self.dose),
      ("population", ["population", "--subjects", "20", "--iiv", "CL=0.2"] + Self.dose),
    ]
    for (name, arguments) in runs {
      let result = try CLI.run(arguments)
      #expect(result.status == 0, "\(name): \(result.stderr)")
      for warning in expected {
        #expect(result.stderr.contains(warning), "\(name) does not print '\(warning)': \(result.stderr)")
      }
    }
    let svg = try String(contentsOfFile: plot, encoding: .utf8)
    for warning in expected {
      let escaped = warning.replacingOccurrences(of: "&", with: "&amp;")
      #expect(svg.contains("class=\"warning\"") && svg.contains(escaped), "the picture does not show '\(warning)'")
    }
  }

  @Test func populationSaysTheWarningIsTheTypicalPatients() throws {
    let result = try CLI.run(["population", "--subjects", "10", "--iiv", "CL=0.2"] + Self.dose)
    #expect(result.stderr.contains("ketasim: warning: typical patient: predicted plasma peak"), "\(result.stderr)")
  }

  @Test func tciPrintsThePeakWarningWithItsSchedule() throws {
    let arguments = ["tci", "--model", "domino1984", "--target", "1500 ng/mL for 30 min"]
    let result = try CLI.run(arguments)
    #expect(result.status == 0)
    #expect(result.stderr.contains("ketasim: warning: predicted plasma peak"), "\(result.stderr)")
  }

  @Test func quietSilencesWarningsButTheSummaryKeepsThem() throws {
    let result = try CLI.run(Self.dose + ["--quiet"])
    #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
  }

  @Test func versionIsPrinted() throws {
    let result = try CLI.run(["--version"])
    #expect(result.status == 0)
    let version = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let parts = version.split(separator: ".")
    #expect(parts.count == 3 && parts.allSatisfy { Int($0) != nil }, "'\(version)' is not MAJOR.MINOR.PATCH")
  }
}

/// Event tables: WT and AGE are the patient's covariates, options override
/// them and say so, and columns that are not used are named once.
@Suite struct EventTableCovariateCommandTests {
  static let table = "ID,TIME,AMT,RATE,EVID,WT,AGE,DV,MDV\n1,0,41,61.5,1,82,40,.,1\n1,1,0,0,0,82,40,100,0\n"

  @Test func weightAndAgeComeFromTheTable() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.path("wt.csv")
    try Self.table.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try CLI.run(["--events", path, "--summary"])
    #expect(result.status == 0, "\(result.stderr)")
    let summary = ReadoutCommandTests.metrics(result.stdout)
    #expect(summary["weight"] == "82.0" && summary["age"] == "40.0")
    #expect(summary["total_dose_per_kg"].flatMap(Double.init).map { abs($0 - 0.5) < 1e-12 } == true)
    let notes = result.stderr.split(separator: "\n").filter { $0.contains("columns not used") }
    #expect(notes.count == 1 && notes[0].hasSuffix("columns not used: DV, MDV"), "\(result.stderr)")
  }

  @Test func theCommandLineOverridesTheTableAndSaysSo() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.path("wt.csv")
    try Self.table.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try CLI.run(["--events", path, "--weight", "70", "--summary"])
    #expect(ReadoutCommandTests.metrics(result.stdout)["weight"] == "70.0")
    #expect(
      result.stderr.contains("ketasim: note: --weight 70 kg replaces the weight of wt (82 kg)"), "\(result.stderr)")
  }

  @Test func theSameWeightSimulatesTheSameAsTheOption() throws {
    // WT 82 in the table and --weight 82 with the WT column removed give the same CSV.
    let scratch = try TemporaryDirectory()
    let with = scratch.path("with.csv")
    let without = scratch.path("without.csv")
    try "TIME,AMT,RATE,WT\n0,41,61.5,82\n".write(toFile: with, atomically: true, encoding: .utf8)
    try "TIME,AMT,RATE\n0,41,61.5\n".write(toFile: without, atomically: true, encoding: .utf8)
    let a = try CLI.run(["--events", with, "--model", "domino1984", "--quiet"])
    let b = try CLI.run(["--events", without, "--model", "domino1984", "--weight", "82", "--quiet"])
    #expect(a.status == 0 && a.stdout == b.stdout && !a.stdout.isEmpty)
  }
}
