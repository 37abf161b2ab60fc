import Foundation
import Testing

/// `ketasim population --observed`, a visual predictive check, end to end.
///
/// Observations drawn from the model's own population (`ketasim dataset --iiv`, another seed) fall outside the 5th-95th band about as often as the
/// band says; observations from a population twice as variable do not.
@Suite struct PopulationObservedTests {
  /// 150 IDs, 70 kg, 0.5 mg/kg (35 mg) over 40 min, sampled at 10, 30, 40, 60, 120 and 240 min.
  static func design() -> String {
    var text = "ID,TIME,AMT,RATE,EVID,CMT,DV\n"
    for id in 1...150 {
      text += "\(id),0,35,52.5,1,1,.\n"
      for hours in ["0.1666666666666667", "0.5", "0.6666666666666666", "1", "2", "4"] {
        text += "\(id),\(hours),0,0,0,1,.\n"
      }
    }
    return text
  }

  /// The design with DV = each ID's individual prediction for between-subject variability `iiv` (the doses
  /// kept, as in a real dataset).
  static func observed(iiv: String, in directory: TemporaryDirectory) throws -> String {
    try design().write(toFile: directory.path("design.csv"), atomically: true, encoding: .utf8)
    let result = try CLI.run([
      "dataset", "--events", directory.path("design.csv"), "--iiv", iiv, "--seed", "77", "--output",
      directory.path("simulated.csv"), "--quiet",
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let rows = RegimenSupport.rows(try String(contentsOfFile: directory.path("simulated.csv"), encoding: .utf8))
    let ipred = try #require(rows.first?.firstIndex(of: "IPRED_ng_per_ml"))
    var text = "ID,TIME,AMT,RATE,EVID,CMT,DV\n"
    for row in rows.dropFirst() {
      text += row[0...5].joined(separator: ",") + "," + (row[4] == "0" ? row[ipred] : ".") + "\n"
    }
    let path = directory.path("observed-\(iiv.count).csv")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// The observed rows outside the band and their total, from `--observed-output`.
  static func check(_ observed: String, in directory: TemporaryDirectory) throws -> (outside: Int, total: Int) {
    let result = try CLI.run([
      "population", "--weight", "70", "--dose", "0.5 mg/kg over 40 min", "--iiv", "CL=0.3,V1=0.3",
      "--subjects", "2000", "--seed", "5", "--duration", "5h", "--observed", observed, "--observed-output",
      directory.path("vpc.csv"), "--plot", directory.path("vpc.svg"), "--output", directory.path("bands.csv"),
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stderr.contains("ketasim: observed: 900 concentrations"), "stderr: \(result.stderr)")
    let rows = RegimenSupport.rows(try String(contentsOfFile: directory.path("vpc.csv"), encoding: .utf8))
    #expect(
      rows.first == [
        "ID", "time_min", "DV_ng_per_ml", "cp_p05_ng_per_ml", "cp_p50_ng_per_ml",
        "cp_p95_ng_per_ml", "position",
      ])
    // Observations at output times carry the bands CSV's own values there.
    let bands = RegimenSupport.rows(try String(contentsOfFile: directory.path("bands.csv"), encoding: .utf8))
    for row in rows.dropFirst().prefix(6) {
      let band = try #require(bands.first { Double($0[0]) == Double(row[1]) })
      #expect(Array(row[3...5]) == Array(band[1...3]), "bands at \(row[1]) min")
    }
    let svg = try String(contentsOfFile: directory.path("vpc.svg"), encoding: .utf8)
    #expect(svg.components(separatedBy: "<circle class=\"observed\"").count - 1 == 900)
    return (rows.dropFirst().filter { $0[6] != "within" }.count, rows.count - 1)
  }

  @Test("Observations from the model's own population fall outside the 5th-95th band about 10 % of the time")
  func calibrated() throws {
    let directory = try TemporaryDirectory()
    let (outside, total) = try Self.check(try Self.observed(iiv: "CL=0.3,V1=0.3", in: directory), in: directory)
    // 150 subjects, 6 correlated samples each: the count of outside samples varies like 150 subjects' (SD
    // at most 6 x sqrt(150 x 0.1 x 0.9) = 22); 4 SD either side of 90.
    #expect(total == 900)
    #expect((2...178).contains(outside), "\(outside) of \(total) outside")
  }

  @Test("Observations from a population with twice the variability fall outside far more often")
  func misspecified() throws {
    let directory = try TemporaryDirectory()
    let (outside, _) = try Self.check(try Self.observed(iiv: "CL=0.6,V1=0.6", in: directory), in: directory)
    #expect(outside > 250, "\(outside) of 900 outside")
  }

  @Test func observedOutputNeedsObserved() throws {
    let result = try CLI.run(["population", "--observed-output", "x.csv", "--iiv", "CL=0.3"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--observed-output with --observed DATASET"), "stderr: \(result.stderr)")
  }
}
