import Foundation
import Testing

/// `ketasim models …` and `--model FILE` end to end.
@Suite struct ModelsCommandTests {
  static let shippedIDs = ["clements250", "domino1984", "herd2007", "hijazi2003", "kamp2020", "sherwin2015"]

  @Test func modelsListsTheSixShippedModels() throws {
    let result = try CLI.run(["models"])
    #expect(result.status == 0)
    #expect(result.stderr.isEmpty)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    for id in Self.shippedIDs {
      #expect(lines.contains { $0.hasPrefix(id + " ") }, "no line starts with \(id)")
    }
    // Only Domino has a published ke0 (Navarrete 2025: 0.238 /min).
    let domino = try #require(lines.first { $0.hasPrefix("domino1984") })
    #expect(domino.contains("0.238"))
    let clements = try #require(lines.first { $0.hasPrefix("clements250") })
    #expect(clements.contains("(default)"))
  }

  @Test func modelsListIsTheDefaultSubcommandOfModels() throws {
    #expect(try CLI.run(["models"]).stdout == CLI.run(["models", "list"]).stdout)
  }

  @Test func modelsShowPrintsDominoCitation() throws {
    let result = try CLI.run(["models", "show", "domino1984"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    // Domino EF et al., Clin Pharmacol Ther 1984;36:645, PMID 6488686.
    #expect(result.stdout.contains("Domino EF"))
    #expect(result.stdout.contains("Clin Pharmacol Ther"))
    #expect(result.stdout.contains("1984;36"))
    #expect(result.stdout.contains("645"))
    #expect(result.stdout.contains("6488686"))
    #expect(result.stdout.contains("0.238"))
  }

  @Test func modelsShowPrintsIndividualValuesAtSeventyKilograms() throws {
    let result = try CLI.run(["models", "show", "domino1984"])
    // V1 = 0.063 L/kg x 70 kg = 4.41 L (stanpumpR tests/testthat/test-drugs-ketamine.R: v1 4.41).
    #expect(result.stdout.contains("V1 4.41 L"), "\(result.stdout)")
  }

  @Test func modelsShowUnknownIDFailsWithOneLine() throws {
    let result = try CLI.run(["models", "show", "nosuchmodel"])
    #expect(result.status != 0)
    #expect(result.stderrLines.count == 1)
    #expect(result.stderr.contains("nosuchmodel"))
    #expect(result.stdout.isEmpty)
  }

  @Test func modelsThresholdsListsTheFourBands() throws {
    let result = try CLI.run(["models", "thresholds"])
    #expect(result.status == 0)
    let text = result.stdout
    let names = ["analgesia", "dissociation", "anesthesia", "awakening"]
    let positions = names.map { text.range(of: $0 + ":")?.lowerBound }
    for (name, position) in zip(names, positions) { #expect(position != nil, "\(name) missing") }
    let found = positions.compactMap { $0 }
    #expect(found == found.sorted(), "bands must appear in the order analgesia, dissociation, anesthesia, awakening")
    // Published bands: analgesia 70-160 ng/mL, dissociation 100-250 ng/mL
    // (Zanos et al., Pharmacol Rev 2018, Table 1).
    #expect(text.contains("70-160"))
    #expect(text.contains("100-250"))
    #expect(text.contains("ng/mL"))
  }

  // MARK: - User model files

  /// A 1-compartment file in the format of Models/README.md.
  static let userModel = """
    id: testonecmt
    name: "Test one-compartment model"
    drug: racemic ketamine
    compartments: 1
    sampling: unknown
    sampling_note: "Illustration only."
    population: "None; a test fixture."
    citation: "None."
    scaling: "Volume linear in weight; clearance allometric with exponent 0.75."
    parameters:
      V1: {value: 3.6, unit: L/kg, source: "test", verification: "[R] test value"}
      CL: {value: 79, unit: L/h, allometric: {exponent: 0.75, reference_weight_kg: 70}, source: "test", verification: "[R] test value"}
    validity:
      weight_kg: {min: 45, max: 110, source: "test"}
      age_years: {min: 18, max: 75, source: "test"}
    notes:
      - "Test fixture."

    """

  @Test func userModelFileRunsAndMatchesOneCompartmentClosedForm() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("testonecmt.yaml")
    try Data(Self.userModel.utf8).write(to: URL(fileURLWithPath: path))
    let result = try CLI.run(["--model", path, "--quiet"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let table = try #require(CSVTable(result.stdout))
    #expect(
      table.header == [
        "time_min", "rate_mg_per_h", "cp_ng_per_ml", "above_analgesia", "above_dissociation", "above_anesthesia",
        "above_awakening",
      ])
    // At 70 kg: V = 3.6 x 70 = 252 L, CL = 79 L/h = 79/60 L/min; 35 mg over 40 min.
    for t in [10.0, 40, 41, 120, 240] {
      let expected =
        1000 * Reference.oneCompartmentInfusion(v: 3.6 * 70, cl: 79.0 / 60, rate: 35.0 / 40, duration: 40, at: t)
      let cp = try #require(table.value("cp_ng_per_ml", atMinutes: t))
      #expect(isClose(cp, expected, relative: 1e-6), "t = \(t): \(cp) vs \(expected)")
    }
  }

  @Test func userModelFileWithBadUnitFailsWithFileLineColumn() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("bad.yaml")
    let text = Self.userModel.replacingOccurrences(of: "{value: 3.6, unit: L/kg,", with: "{value: 3.6, unit: L/min,")
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    let result = try CLI.run(["--model", path, "--output", directory.path("out.csv")])
    #expect(result.status != 0)
    #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)")
    // V1 is on line 11 of the file.
    #expect(result.stderr.contains("\(path):11:"), "stderr: \(result.stderr)")
    #expect(result.stderr.contains("L/min"))
    #expect(directory.contents() == ["bad.yaml"])
  }

  @Test func modelsShowAcceptsAModelFile() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("testonecmt.yaml")
    try Data(Self.userModel.utf8).write(to: URL(fileURLWithPath: path))
    let result = try CLI.run(["models", "show", path])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout.contains("testonecmt"))
    // V 3.6 L/kg x 70 kg = 252 L; CL 79 L/h = 1.3167 L/min.
    #expect(result.stdout.contains("V1 252.0 L"), "\(result.stdout)")
    #expect(result.stdout.contains("CL 1.3167 L/min"), "\(result.stdout)")
  }
}
