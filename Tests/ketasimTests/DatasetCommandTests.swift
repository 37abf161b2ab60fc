import Foundation
import Testing

/// `ketasim dataset` end to end: the NONMEM 7 reference outputs R7-R9 of mrgsolve/nmtests
/// (dosing/results/1001-nm.csv) as three subjects of one dataset, the carried columns, the etas file, simulated DV,
/// and bad input.
@Suite struct DatasetCommandTests {
  /// R7, R8 and R9 (IDs 3, 14, 12 of 1001-nm.csv) in one dataset, with a DV column and a study column carried.
  static let published: [String: [(hour: Double, ngPerMl: Double)]] = [
    "3": [
      (1, 486.5), (2, 946.96), (4, 1795.3), (10, 3845.9), (12, 3445.3), (24, 1780.7), (25, 2171.9),
      (48, 2256.4), (72, 2383.5), (96, 2417.4), (100, 1940), (120, 645.78),
    ],
    "14": [(1, 9090.9), (12, 9090.9), (72, 9090.9), (96, 6535.7), (100, 5245), (120, 1745.9)],
    "12": [
      (1, 15152), (12, 15152), (24, 15152), (48, 15152), (72, 15152), (96, 6730.5), (100, 5401.4), (120, 1798),
    ],
  ]
  static let doses = ["3": "100,10,1,1,24,3,0", "14": "100,10,1,1,10,8,1", "12": "100,8.333333333333334,1,1,6,12,1"]

  static func dataset() -> String {
    var text = "ID,TIME,AMT,RATE,EVID,CMT,II,ADDL,SS,DV,STUDY\n"
    for id in ["3", "14", "12"] {
      text += "\(id),0,\(doses[id]!),.,nmtests 1001\n"
      for point in published[id]! { text += "\(id),\(point.hour),0,0,0,1,0,0,0,\(point.ngPerMl),nmtests 1001\n" }
    }
    return text
  }

  @Test("R7-R9 (NONMEM 7) as three IDs of one dataset: PRED to 5 significant figures, every field back")
  func nonmemReferences() throws {
    let directory = try TemporaryDirectory()
    try RegimenSupport.nmtestsModel.write(toFile: directory.path("nmtests.yaml"), atomically: true, encoding: .utf8)
    try Self.dataset().write(toFile: directory.path("data.csv"), atomically: true, encoding: .utf8)
    let result = try CLI.run([
      "dataset", "--model", directory.path("nmtests.yaml"), "--events", directory.path("data.csv"),
      "--output", directory.path("out.csv"),
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stderr.contains("carried through, not used: DV, STUDY"), "stderr: \(result.stderr)")
    let input = RegimenSupport.rows(Self.dataset())
    let output = RegimenSupport.rows(try String(contentsOfFile: directory.path("out.csv"), encoding: .utf8))
    #expect(output.count == input.count)
    #expect(output.first == (input.first ?? []) + ["PRED_ng_per_ml"])
    var checked = 0
    for (row, original) in zip(output.dropFirst(), input.dropFirst()) {
      #expect(Array(row.dropLast()) == original, "fields back unchanged")
      guard original[4] == "0", let pred = Double(row.last ?? ""), let dv = Double(original[9]) else { continue }
      #expect(RegimenSupport.agree(pred, dv, digits: 5), "ID \(original[0]) at \(original[1]) h: \(pred) vs \(dv)")
      checked += 1
    }
    #expect(checked == 26)
  }

  @Test("--iiv adds IPRED and --etas writes each ID's etas; the same seed gives the same bytes")
  func ipredAndEtas() throws {
    let directory = try TemporaryDirectory()
    try Self.dataset().write(toFile: directory.path("data.csv"), atomically: true, encoding: .utf8)
    func run(_ seed: String) throws -> (String, String) {
      let result = try CLI.run([
        "dataset", "--events", directory.path("data.csv"), "--weight", "70", "--iiv", "CL=0.3,V1=0.3", "--seed", seed,
        "--etas", directory.path("etas-\(seed).csv"), "--residual-error", "prop=0.1", "--quiet",
      ])
      #expect(result.status == 0, "stderr: \(result.stderr)")
      return (result.stdout, try String(contentsOfFile: directory.path("etas-\(seed).csv"), encoding: .utf8))
    }
    let (first, etas) = try run("5")
    let (again, _) = try run("5")
    let (other, _) = try run("6")
    #expect(first == again)
    #expect(first != other)
    let rows = RegimenSupport.rows(first)
    #expect(rows.first?.suffix(3) == ["PRED_ng_per_ml", "IPRED_ng_per_ml", "DV_ng_per_ml"])
    // DV on the observation rows only (EVID is the fifth column).
    for row in rows.dropFirst() { #expect((row[4] == "0") == !(row.last ?? "").isEmpty, "\(row)") }
    let etaRows = RegimenSupport.rows(etas)
    #expect(etaRows.map { $0.first ?? "" } == ["ID", "3", "14", "12"])
    #expect(Set(etaRows[0].dropFirst()) == ["ETA_CL", "ETA_V1"])
  }

  @Test("bad input: one line and the status, no output file")
  func badInput() throws {
    let directory = try TemporaryDirectory()
    let missing = try CLI.run(["dataset", "--events", directory.path("none.csv"), "--output", directory.path("o.csv")])
    #expect(missing.status == 66)
    #expect(missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
    // A weight that changes is simulated; a time that goes back without a reset in such an ID is refused.
    try "ID,TIME,AMT,WT\n1,0,10,70\n1,2,0,80\n1,1,0,80\n".write(
      toFile: directory.path("wt.csv"), atomically: true, encoding: .utf8)
    let changing = try CLI.run(["dataset", "--events", directory.path("wt.csv"), "--output", directory.path("o.csv")])
    #expect(changing.status == 65)
    #expect(changing.stderr.contains("wt.csv:4"), "\(changing.stderr)")
    let etas = try CLI.run(["dataset", "--events", directory.path("wt.csv"), "--etas", directory.path("e.csv")])
    #expect(etas.status == 64)
    #expect(etas.stderr.contains("--iiv"), "\(etas.stderr)")
    let ruv = try CLI.run(["dataset", "--events", directory.path("wt.csv"), "--residual-error", "cv=0.2"])
    #expect(ruv.status == 64)
    #expect(ruv.stderr.contains("residual-error") && ruv.stderr.split(separator: "\n").count == 1, "\(ruv.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.path("o.csv")))
    #expect(!FileManager.default.fileExists(atPath: directory.path("e.csv")))
  }
}
