import Foundation
import Testing

/// `ketasim simulate --events` and `--export-events` end to end: the NONMEM 7
/// reference outputs R7-R9 of mrgsolve/nmtests (dosing/results/1001-nm.csv) through event-table files and the
/// command line, the export round trip, and bad tables.
@Suite struct EventTableCommandTests {
  /// Writes the nmtests model and `table` into a fresh directory and runs
  /// `simulate --events` at the table's EVID 0 times.
  static func nonmem(_ table: String) throws -> CSVTable? {
    let directory = try TemporaryDirectory()
    try RegimenSupport.nmtestsModel.write(toFile: directory.path("nmtests.yaml"), atomically: true, encoding: .utf8)
    try table.write(toFile: directory.path("events.csv"), atomically: true, encoding: .utf8)
    let result = try CLI.run([
      "simulate", "--model", directory.path("nmtests.yaml"), "--events", directory.path("events.csv"),
      "--observations", "--quiet",
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    return CSVTable(result.stdout)
  }

  static func observationRows(_ hours: [Double]) -> String {
    hours.map { "1,\($0),0,0,0,1,0,0,0\n" }.joined()
  }

  static let header = "ID,TIME,AMT,RATE,EVID,CMT,II,ADDL,SS\n"

  static func check(_ table: CSVTable?, _ published: [(hour: Double, ngPerMl: Double)], _ name: String) throws {
    let table = try #require(table)
    #expect(table.column("time_min") == published.map { $0.hour * 60 })
    for (value, reference) in zip(table.column("cp_ng_per_ml") ?? [], published) {
      #expect(
        RegimenSupport.agree(value, reference.ngPerMl, digits: 5),
        "\(name) at \(reference.hour) h: \(value) vs NONMEM \(reference.ngPerMl)")
    }
  }

  @Test("R7 (NONMEM 7): 100 mg at 10 mg/h every 24 h x 4 through --events")
  func r7() throws {
    // R7: mrgsolve/nmtests dosing/results/1001-nm.csv, ID 3.
    let published: [(hour: Double, ngPerMl: Double)] = [
      (1, 486.5), (2, 946.96), (4, 1795.3), (10, 3845.9), (12, 3445.3), (24, 1780.7), (25, 2171.9),
      (48, 2256.4), (72, 2383.5), (96, 2417.4), (100, 1940), (120, 645.78),
    ]
    let table = Self.header + "1,0,100,10,1,1,24,3,0\n" + Self.observationRows(published.map(\.hour))
    try Self.check(try Self.nonmem(table), published, "R7")
  }

  @Test("R8 (NONMEM 7): SS=1, II = DUR = 10 h, ADDL 8 through --events")
  func r8() throws {
    let published: [(hour: Double, ngPerMl: Double)] = [
      (1, 9090.9), (12, 9090.9), (72, 9090.9), (96, 6535.7), (100, 5245), (120, 1745.9),
    ]
    let table = Self.header + "1,0,100,10,1,1,10,8,1\n" + Self.observationRows(published.map(\.hour))
    try Self.check(try Self.nonmem(table), published, "R8")
  }

  @Test("R9 (NONMEM 7): SS=1, II 6 h < DUR 12 h, ADDL 12 through --events")
  func r9() throws {
    let published: [(hour: Double, ngPerMl: Double)] = [
      (1, 15152), (12, 15152), (24, 15152), (48, 15152), (72, 15152), (96, 6730.5), (100, 5401.4), (120, 1798),
    ]
    // 100 mg at 100/12 mg/h: 12 h.
    let table = Self.header + "1,0,100,8.333333333333334,1,1,6,12,1\n" + Self.observationRows(published.map(\.hour))
    try Self.check(try Self.nonmem(table), published, "R9")
  }

  @Test func exportedEventsReproduceTheRegimen() throws {
    let directory = try TemporaryDirectory()
    let exported = directory.path("crps.csv")
    let original = try CLI.run(["--regimen", "crps-daily", "--weight", "64", "--export-events", exported, "--quiet"])
    #expect(original.status == 0, "stderr: \(original.stderr)")
    let events = try String(contentsOfFile: exported, encoding: .utf8)
    let rows = RegimenSupport.rows(events)
    #expect(rows.first == ["ID", "TIME", "AMT", "RATE", "EVID", "CMT", "II", "ADDL", "SS"])
    // Ten infusions of 0.35 x 64 = 22.4 mg/h for 4 h (89.6 mg), one a day.
    #expect(rows.count == 11)
    for (day, row) in rows.dropFirst().enumerated() {
      #expect(Double(row[1]) == Double(day * 24), "TIME in hours")
      #expect(abs(Double(row[2])! - 89.6) < 1e-9 && abs(Double(row[3])! - 22.4) < 1e-9, "\(row)")
    }
    // The crps-daily run lasts to 4 h after the last infusion at 5-min steps;
    // the table's doses are absolute, the patient's weight still sets the model.
    let again = try CLI.run(["--events", exported, "--weight", "64", "--step", "5 min", "--quiet"])
    #expect(again.status == 0, "stderr: \(again.stderr)")
    let a = try #require(CSVTable(original.stdout))
    let b = try #require(CSVTable(again.stdout))
    #expect(a.header == b.header)
    #expect(a.rows.count == b.rows.count)
    for (x, y) in zip(a.rows, b.rows) {
      for (u, v) in zip(x, y) { #expect(isClose(u, v, relative: 1e-12, absolute: 1e-12), "\(x) vs \(y)") }
    }
  }

  @Test func severalSubjectsNeedAnIdAndTheIdSelectsOne() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("two.csv")
    try "ID,TIME,AMT\n1,0,10\n2,0,20\n".write(toFile: path, atomically: true, encoding: .utf8)
    let ambiguous = try CLI.run(["--events", path])
    #expect(ambiguous.status == 65)
    #expect(ambiguous.stderr.contains("--id"))
    let chosen = try CLI.run(["--events", path, "--id", "2"])
    #expect(chosen.status == 0, "stderr: \(chosen.stderr)")
    #expect(chosen.stderr.contains("total dose 20 mg"))
    let orphan = try CLI.run(["--id", "2"])
    #expect(orphan.status == 64)
  }

  @Test func aBadRecordNamesTheLine() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("bad.csv")
    try "TIME,AMT,EVID\n0,10,1\n1,0,4\n".write(toFile: path, atomically: true, encoding: .utf8)
    let result = try CLI.run(["--events", path])
    #expect(result.status == 65)
    #expect(result.stderr.contains("\(path):3: EVID '4'"), "stderr: \(result.stderr)")
    #expect(result.stdout.isEmpty)
  }

  @Test func oddDoseTimesUseTheExactPathAndSteadyStateRefusesTheLaneKernels() throws {
    let directory = try TemporaryDirectory()
    try RegimenSupport.nmtestsModel.write(toFile: directory.path("nmtests.yaml"), atomically: true, encoding: .utf8)
    // A bolus at 0.1234567 h (444.44412 s): no lane grid of at most 10,000
    // substeps per minute holds it, so the single run must take the exact
    // per-event path, and match the 1-compartment closed form.
    let path = directory.path("odd.csv")
    try "TIME,AMT\n0.1234567,100\n".write(toFile: path, atomically: true, encoding: .utf8)
    let run = try CLI.run([
      "--model", directory.path("nmtests.yaml"), "--events", path, "--duration", "1 h", "--quiet",
    ])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let table = try #require(CSVTable(run.stdout))
    let dose = 0.1234567 * 60
    for t in [7.0, 8, 30, 60] {
      let expected = t < dose ? 0 : 100.0 / 20 * exp(-1.1 / 60 / 20 * (t - dose)) * 1000
      #expect(
        isClose(try #require(table.value("cp_ng_per_ml", atMinutes: t)), expected, relative: 1e-9, absolute: 1e-12))
    }
    let steady = directory.path("ss.csv")
    try "TIME,AMT,RATE,II,SS\n0,100,10,24,1\n".write(toFile: steady, atomically: true, encoding: .utf8)
    let tiled = try CLI.run(["--model", directory.path("nmtests.yaml"), "--events", steady, "--kernel", "tiled"])
    #expect(tiled.status == 64)
    #expect(tiled.stderr.contains("steady state"), "stderr: \(tiled.stderr)")
  }

  @Test func eventTimesInMinutes() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("min.csv")
    // 35 mg at 0.875 mg/min (40 min): the default run, written in minutes.
    try "TIME,AMT,RATE\n0,35,0.875\n".write(toFile: path, atomically: true, encoding: .utf8)
    let result = try CLI.run(["--events", path, "--event-time-unit", "min", "--duration", "4 h", "--quiet"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let bare = try CLI.run(["--quiet"])
    #expect(result.stdout == bare.stdout, "the same doses give the same CSV")
  }
}
