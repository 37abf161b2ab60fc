import Foundation
import Testing

/// `ketasim simulate --regimen`, `ketasim regimens` and clinical units, end to end.
///
/// Totals are worked out by hand (the published clinical regimens cited in Models/regimens/ at the weight
/// given); concentrations come from closed forms in ReferenceSolutions.
@Suite struct RegimenCommandTests {
  /// Every example regimen, its total at 70 kg (mg) and its output rows.
  static let examples: [(name: String, totalMilligrams: Double)] = [
    ("antidepressant-single", 35), ("depression-series-maintenance", 420), ("crps-daily", 980),
    ("analgesic-low-dose", 252), ("procedural-sedation", 140), ("pain-titration", 3192),
  ]

  @Test(arguments: examples.map(\.name))
  func exampleRunsFromAnotherDirectory(_ name: String) throws {
    // The regimens are embedded: no Models/ folder is needed where it runs.
    let directory = try TemporaryDirectory()
    let result = try CLI.run(["simulate", "--regimen", name], in: directory.url)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let table = try #require(CSVTable(result.stdout))
    #expect(table.rows.count > 10)
    let total = try #require(Self.examples.first { $0.name == name }?.totalMilligrams)
    #expect(
      result.stderr.contains("total dose \(Self.format(total)) mg"), "stderr: \(result.stderr)")
    #expect(table.column("cp_ng_per_ml")?.allSatisfy { $0.isFinite && $0 >= 0 } == true)
  }

  static func format(_ value: Double) -> String {
    let text = String(format: "%.1f", value)
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }

  @Test func antidepressantSampleTimesMatchTheClosedForm() throws {
    let result = try CLI.run(["--regimen", "antidepressant-single", "--observations", "--quiet"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let table = try #require(CSVTable(result.stdout))
    // Zarate 2012's samples: 40, 80, 110, 230 min and day 1.
    #expect(table.column("time_min") == [40, 80, 110, 230, 1440])
    for (t, cp) in zip(table.column("time_min") ?? [], table.column("cp_ng_per_ml") ?? []) {
      #expect(isClose(cp, SimulateCommandTests.clementsCp(at: t), relative: 1e-9), "t = \(t): \(cp)")
    }
  }

  @Test func regimenDefaultsApplyAndOptionsOverrideThem() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("mine.yaml")
    try """
    patient: {weight_kg: 82}
    model: domino1984
    output: {duration: 2 h, step: 10 min}
    thresholds: {dissociation: 200}
    steps:
      - dose: 0.5 mg/kg over 40 min
    """.write(toFile: path, atomically: true, encoding: .utf8)
    let own = try CLI.run(["--regimen", path])
    #expect(own.status == 0, "stderr: \(own.stderr)")
    let table = try #require(CSVTable(own.stdout))
    // Domino has an effect site; 2 h at 10 min is 13 rows; 0.5 mg/kg x 82 kg = 41 mg.
    #expect(table.header.contains("ce_ng_per_ml"))
    #expect(table.rows.count == 13)
    #expect(own.stderr.contains("domino1984"))
    #expect(own.stderr.contains("total dose 41 mg"))
    // 41 mg over 40 min = 61.5 mg/h.
    #expect(isClose(try #require(table.value("rate_mg_per_h", atMinutes: 0)), 61.5, relative: 1e-12))
    let summary = RegimenSupport.summary(try CLI.run(["--regimen", path, "--summary", "--quiet"]).stdout)
    #expect(summary["cp_threshold_dissociation_ng_per_ml"] == "200.0")

    let overridden = try CLI.run([
      "--regimen", path, "--weight", "60", "--model", "clements250", "--duration", "1 h", "--step", "30 min",
      "--threshold", "dissociation=150",
    ])
    #expect(overridden.status == 0, "stderr: \(overridden.stderr)")
    let small = try #require(CSVTable(overridden.stdout))
    #expect(!small.header.contains("ce_ng_per_ml"))
    #expect(small.column("time_min") == [0, 30, 60])
    #expect(overridden.stderr.contains("total dose 30 mg"))
    // Clements 250 at 60 kg: 30 mg over 40 min.
    let expected =
      1000
      * Reference.twoCompartmentInfusion(
        v1: 1.7522 * 60, k10: 0.0109, k12: 0.0186, k21: 0.0137, rate: 30.0 / 40, duration: 40, at: 30)
    #expect(isClose(try #require(small.value("cp_ng_per_ml", atMinutes: 30)), expected, relative: 1e-9))
  }

  @Test func aJSONRegimenFileRuns() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("mine.json")
    try #"{"patient": {"weight_kg": 50}, "steps": [{"dose": "1 mg/kg"}], "output": {"duration": "10 min"}}"#
      .write(toFile: path, atomically: true, encoding: .utf8)
    let result = try CLI.run(["--regimen", path])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(try #require(CSVTable(result.stdout)).rows.count == 11)
    #expect(result.stderr.contains("total dose 50 mg"))
  }

  @Test func aBadRegimenFileNamesFileLineAndColumnAndWritesNothing() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("bad.yaml")
    try "steps:\n  - name: infusion\n    dose: 0.5 mg/kx over 40 min\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    let output = directory.path("out.csv")
    let result = try CLI.run(["--regimen", path, "--output", output])
    #expect(result.status == 65)
    #expect(result.stderrLines.count == 1)
    #expect(result.stderr.contains("\(path):3:11:"), "stderr: \(result.stderr)")
    #expect(result.stderr.contains("mg/kx"))
    #expect(!FileManager.default.fileExists(atPath: output))
    #expect(result.stdout.isEmpty)
  }

  @Test func anUnknownRegimenListsTheBuiltInOnes() throws {
    let result = try CLI.run(["--regimen", "ketamine-party"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("unknown regimen 'ketamine-party'"))
    #expect(result.stderr.contains("crps-daily"))
    let missing = try CLI.run(["--regimen", "/nonexistent-dir/mine.yaml"])
    #expect(missing.status == 66, "stderr: \(missing.stderr)")
  }

  @Test func regimensCommandListsAndShowsTheExamples() throws {
    let list = try CLI.run(["regimens"])
    #expect(list.status == 0)
    for example in Self.examples { #expect(list.stdout.contains(example.name)) }
    let show = try CLI.run(["regimens", "show", "crps-daily", "--weight", "80"])
    #expect(show.status == 0, "stderr: \(show.stderr)")
    #expect(show.stdout.contains("Cohen SP"))
    // 0.35 mg/kg/h x 80 kg = 28 mg/h for 4 h (112 mg), ten times: 1120 mg.
    #expect(show.stdout.contains("28 mg/h for 4 h (112 mg)"))
    #expect(show.stdout.contains("Total 1120 mg"))
  }

  // MARK: - Units on the command line

  @Test func millilitresPerHourUseTheSyringe() throws {
    let result = try CLI.run(["--dose", "12 mL/h for 2 h", "--syringe", "10", "--duration", "3 h", "--quiet"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let table = try #require(CSVTable(result.stdout))
    // 12 mL/h x 10 mg/mL = 120 mg/h.
    #expect(table.value("rate_mg_per_h", atMinutes: 60) == 120)
    #expect(table.value("rate_ml_per_h", atMinutes: 60) == 12)
    #expect(table.value("rate_mg_per_h", atMinutes: 120) == 0)
    let missing = try CLI.run(["--dose", "12 mL/h for 2 h"])
    #expect(missing.status == 64)
    #expect(missing.stderr.contains("syringe"))
  }

  @Test func hydrochlorideDosesAreConvertedToBase() throws {
    let result = try CLI.run(["--dose", "50 mg HCl"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    // 50 x 237.73 / 274.19 = 43.35 mg of base.
    #expect(result.stderr.contains("total dose 43.4 mg"), "stderr: \(result.stderr)")
  }

  @Test func theSedationRegimensSyringeGivesTheMillilitreColumn() throws {
    let result = try CLI.run(["--regimen", "procedural-sedation", "--summary", "--quiet"])
    #expect(result.status == 0)
    // 140 mg from a 10 mg/mL syringe = 14 mL.
    #expect(RegimenSupport.summary(result.stdout)["total_volume_ml"] == "14.0")
  }
}
