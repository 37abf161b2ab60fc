import Foundation
import Testing

/// `ketasim compare` end to end: its rows must equal separate `simulate`
/// runs of the same regimen and model (exactly, as text).
@Suite struct CompareCommandTests {
  /// The summary CSV as (regimen, model) -> column -> value.
  static func summaryRows(_ text: String) -> (header: [String], rows: [[String: String]]) {
    let rows = RegimenSupport.rows(text)
    guard let header = rows.first else { return ([], []) }
    return (header, rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
  }

  @Test func summaryRowsEqualSeparateSimulateSummaries() throws {
    let result = try CLI.run([
      "compare", "--regimen", "antidepressant-single", "--regimen", "crps-daily", "--duration", "2 d", "--quiet",
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let (header, rows) = Self.summaryRows(result.stdout)
    #expect(header.prefix(2) == ["regimen", "model"])
    #expect(rows.map { $0["regimen"] } == ["antidepressant-single", "crps-daily"])
    for row in rows {
      let regimen = try #require(row["regimen"])
      let alone = try CLI.run(["simulate", "--regimen", regimen, "--duration", "2 d", "--summary", "--quiet"])
      #expect(alone.status == 0)
      let expected = RegimenSupport.summary(alone.stdout)
      #expect(row["model"] == expected["model"])
      // Every metric of the separate run, with exactly the same text.
      for (column, value) in expected where column != "model" {
        #expect(row[column] == value, "\(regimen) \(column): \(row[column] ?? "missing") vs \(value)")
      }
      #expect(row.count == expected.count + 1, "regimen + the summary's metrics")
    }
  }

  @Test func regimensTimesModelsWithASharedDefaultGrid() throws {
    let directory = try TemporaryDirectory()
    let series = directory.path("series.csv")
    let plot = directory.path("overlay.svg")
    let result = try CLI.run([
      "compare", "--regimen", "procedural-sedation", "--dose-set", "bolus=1 mg/kg", "--model",
      "clements250, domino1984",
      "--series", series, "--plot", plot, "--quiet",
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let (header, rows) = Self.summaryRows(result.stdout)
    #expect(
      rows.map { "\($0["regimen"]!)/\($0["model"]!)" } == [
        "procedural-sedation/clements250", "procedural-sedation/domino1984", "bolus/clements250", "bolus/domino1984",
      ])
    // Domino has an effect site, Clements has none: its ce columns are empty.
    #expect(header.contains("ce_max_ng_per_ml"))
    #expect(rows.map { $0["ce_max_ng_per_ml"]!.isEmpty } == [true, false, true, false])
    // The shared default grid: the longest duration (4 h for dose specs, 2 h
    // for the sedation regimen) at the finest step (the regimen's 10 s).
    #expect(rows.allSatisfy { $0["duration_min"] == "240.0" })

    // The long series: 4 runs x 1441 times, equal to separate simulate runs.
    let long = RegimenSupport.rows(try String(contentsOfFile: series, encoding: .utf8))
    #expect(long.first == ["regimen", "model", "time_min", "rate_mg_per_h", "cp_ng_per_ml", "ce_ng_per_ml"])
    #expect(long.count == 1 + 4 * 1441)
    let alone = try CLI.run([
      "--dose", "1 mg/kg", "--model", "domino1984", "--duration", "4 h", "--step", "10 s", "--quiet",
    ])
    let reference = RegimenSupport.rows(alone.stdout)
    let cpColumn = try #require(reference.first?.firstIndex(of: "cp_ng_per_ml"))
    let ceColumn = try #require(reference.first?.firstIndex(of: "ce_ng_per_ml"))
    let bolusDomino = long.filter { $0[0] == "bolus" && $0[1] == "domino1984" }
    #expect(bolusDomino.count == 1441)
    for (mine, theirs) in zip(bolusDomino, reference.dropFirst()) {
      #expect(
        mine[2] == theirs[0] && mine[4] == theirs[cpColumn] && mine[5] == theirs[ceColumn], "\(mine) vs \(theirs)")
    }
    #expect(long.filter { $0[1] == "clements250" }.allSatisfy { $0[5].isEmpty })

    let svg = try String(contentsOfFile: plot, encoding: .utf8)
    #expect(svg.hasPrefix("<?xml"))
    #expect(svg.components(separatedBy: "class=\"cp\"").count - 1 == 4)
    #expect(svg.components(separatedBy: "class=\"ce\"").count - 1 == 2)
    #expect(svg.contains("bolus / domino1984"))
  }

  @Test func labelsMustDifferAndPatientsMustAgree() throws {
    let duplicate = try CLI.run(["compare", "--dose-set", "a=1 mg", "--dose-set", "a=2 mg"])
    #expect(duplicate.status == 64)
    #expect(duplicate.stderr.contains("label"))
    let badSet = try CLI.run(["compare", "--dose-set", "1 mg/kg"])
    #expect(badSet.status == 64)
    #expect(badSet.stderr.contains("LABEL=SPEC"))

    let directory = try TemporaryDirectory()
    for (name, weight) in [("light", 50), ("heavy", 90)] {
      try "patient: {weight_kg: \(weight)}\nsteps:\n  - dose: 1 mg/kg\n".write(
        toFile: directory.path("\(name).yaml"), atomically: true, encoding: .utf8)
    }
    let regimens = ["--regimen", directory.path("light.yaml"), "--regimen", directory.path("heavy.yaml")]
    let disagree = try CLI.run(["compare"] + regimens)
    #expect(disagree.status == 64)
    #expect(disagree.stderr.contains("--weight"))
    let agreed = try CLI.run(["compare", "--weight", "70", "--quiet"] + regimens)
    #expect(agreed.status == 0, "stderr: \(agreed.stderr)")
    #expect(Self.summaryRows(agreed.stdout).rows.allSatisfy { $0["total_dose_mg"] == "70.0" })
  }

  @Test func oneRegimensPatientAppliesToEveryRun() throws {
    let directory = try TemporaryDirectory()
    try "patient: {weight_kg: 50}\nsteps:\n  - dose: 1 mg/kg\n".write(
      toFile: directory.path("child.yaml"), atomically: true, encoding: .utf8)
    let result = try CLI.run([
      "compare", "--regimen", directory.path("child.yaml"), "--dose-set", "half=0.5 mg/kg", "--quiet",
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    // 1 mg/kg and 0.5 mg/kg of 50 kg.
    #expect(Self.summaryRows(result.stdout).rows.map { $0["total_dose_mg"] } == ["50.0", "25.0"])
  }
}
