import Foundation
import Testing

@testable import KetasimCore

/// NONMEM-style event tables: reading (columns, units, NONMEM conventions,
/// errors with the line), the regimen they give, the NONMEM 7 reference
/// outputs R7-R9 (mrgsolve/nmtests dosing/results/1001-nm.csv) through an event table, and export round trips.
@Suite struct EventTableTests {
  static let minute: Int64 = 60_000_000
  static let hour = 60 * minute

  /// The nmtests 1-cmt model of R7-R9: CL 1.1 L/h, V 20 L.
  static func nmtests() throws -> PKParameters { try pkPerHour(cl: 1.1, v1: 20) }

  /// NONMEM's CP (ng/mL) at each EVID 0 time of `table` (one subject).
  static func nonmemOutput(_ csv: String) throws -> [Double] {
    let regimen = try EventTable(csv: csv, file: "nm.csv").regimen()
    let simulation = try regimen.simulation(for: try nmtests(), weightKilograms: 70)
    return simulation.centralConcentrations(at: regimen.output.times).map { $0 * 1000 }
  }

  static func observations(_ hours: [Double]) -> String {
    hours.map { "1,\($0),0,0,0,1,0,0,0\n" }.joined()
  }

  static let header = "ID,TIME,AMT,RATE,EVID,CMT,II,ADDL,SS\n"

  @Test("R7 from an event table: 100 mg at 10 mg/h every 24 h x 4 (ADDL 3)")
  func r7() throws {
    // R7: mrgsolve/nmtests 1001-nm.csv ID 3 (NONMEM 7, ng/mL, 5 s.f.).
    let published: [(hour: Double, ngPerMl: Double)] = [
      (1, 486.5), (2, 946.96), (4, 1795.3), (10, 3845.9), (12, 3445.3), (24, 1780.7), (25, 2171.9),
      (48, 2256.4), (72, 2383.5), (96, 2417.4), (100, 1940), (120, 645.78),
    ]
    let csv = Self.header + "1,0,100,10,1,1,24,3,0\n" + Self.observations(published.map(\.hour))
    for (value, reference) in zip(try Self.nonmemOutput(csv), published) {
      expectSignificant(value, reference.ngPerMl, digits: 5, "R7 at \(reference.hour) h")
    }
  }

  @Test("R8 from an event table: SS=1, II = DUR = 10 h, ADDL 8")
  func r8() throws {
    let published: [(hour: Double, ngPerMl: Double)] = [
      (1, 9090.9), (12, 9090.9), (72, 9090.9), (96, 6535.7), (100, 5245), (120, 1745.9),
    ]
    let csv = Self.header + "1,0,100,10,1,1,10,8,1\n" + Self.observations(published.map(\.hour))
    let values = try Self.nonmemOutput(csv)
    for (value, reference) in zip(values, published) {
      expectSignificant(value, reference.ngPerMl, digits: 5, "R8 at \(reference.hour) h")
    }
    // The plateau is R/CL exactly: 10 mg/h / 1.1 L/h.
    expectClose(values[0], 10 / 1.1 * 1000, rel: 1e-12, "R8 plateau")
  }

  @Test("R9 from an event table: SS=1, II 6 h < DUR 12 h (RATE -2 with DUR), ADDL 12")
  func r9() throws {
    let published: [(hour: Double, ngPerMl: Double)] = [
      (1, 15152), (12, 15152), (24, 15152), (48, 15152), (72, 15152), (96, 6730.5), (100, 5401.4), (120, 1798),
    ]
    let csv =
      "ID,TIME,AMT,RATE,DUR,EVID,CMT,II,ADDL,SS\n1,0,100,-2,12,1,1,6,12,1\n"
      + published.map { "1,\($0.hour),.,.,.,0,1,.,.,.\n" }.joined()
    let values = try Self.nonmemOutput(csv)
    for (value, reference) in zip(values, published) {
      expectSignificant(value, reference.ngPerMl, digits: 5, "R9 at \(reference.hour) h")
    }
    // Two infusions overlap on the plateau: 2 x 100/12 mg/h / 1.1 L/h.
    expectClose(values[0], 2 * 100 / 12 / 1.1 * 1000, rel: 1e-12, "R9 plateau")
  }

  // MARK: - Reading

  @Test func columnsInAnyOrderAnyCaseWithNonmemMissingValues() throws {
    let csv = """
      # a comment line before the header
      C,time,Id,amt,Rate,evid,MDV,DV,ii,addl
      .,0,7,35,52.5,1,1,.,.,.
      C,5,7,999,0,1,1,.,.,.
      .,1.5,7,10,.,1,1,.,2,1
      .,2,7,0,0,0,0,12.5,.,.

      # trailing comment
      """
    let table = try EventTable(csv: csv, file: "t.csv")
    #expect(table.ids == ["7"])
    #expect(table.records.count == 3, "the C row, the blank line and the comments are skipped")
    let regimen = try table.regimen()
    // 35 mg at 52.5 mg/h = 40 min; 10 mg boluses at 1.5 h and 3.5 h.
    let doses = regimen.doses(forWeight: 70)
    #expect(doses.count == 3)
    #expect(
      doses[0]
        == .infusion(milligramsPerMinute: 52.5 / 60, start: .zero, duration: ClockTime(microseconds: 40 * Self.minute)))
    #expect(doses[1] == .bolus(milligrams: 10, at: ClockTime(microseconds: 90 * Self.minute)))
    #expect(doses[2] == .bolus(milligrams: 10, at: ClockTime(microseconds: 210 * Self.minute)))
    #expect(regimen.output.times == [ClockTime(microseconds: 2 * Self.hour)])
    // Weight-independent: absolute mg.
    #expect(regimen.doses(forWeight: 40) == doses)
  }

  @Test func withoutEvidAPositiveAmountIsADoseAndZeroAnObservation() throws {
    let regimen = try EventTable(csv: "TIME,AMT\n0,50\n1,0\n", file: "t.csv").regimen()
    #expect(regimen.doses(forWeight: 70) == [.bolus(milligrams: 50, at: .zero)])
    #expect(regimen.output.times == [ClockTime(microseconds: Self.hour)])
  }

  @Test func timesInMinutesWithTheMinuteUnit() throws {
    let csv = "TIME,AMT,RATE,II,ADDL\n30,35,0.875,60,1\n"
    let doses = try EventTable(csv: csv, file: "t.csv", timeUnit: .minutes).regimen().doses(forWeight: 70)
    // 35 mg at 0.875 mg/min = 40 min, from 30 min and again 60 min later.
    #expect(
      doses == [
        .infusion(
          milligramsPerMinute: 0.875, start: ClockTime(microseconds: 30 * Self.minute),
          duration: ClockTime(microseconds: 40 * Self.minute)),
        .infusion(
          milligramsPerMinute: 0.875, start: ClockTime(microseconds: 90 * Self.minute),
          duration: ClockTime(microseconds: 40 * Self.minute)),
      ])
  }

  @Test func durWithoutRateIsAnInfusionOverDur() throws {
    let doses = try EventTable(csv: "TIME,AMT,DUR\n0,100,2\n", file: "t.csv").regimen().doses(forWeight: 70)
    #expect(doses.count == 1)
    #expect(doses[0].end == ClockTime(microseconds: 2 * Self.hour))
    #expect(abs(doses[0].milligrams - 100) < 1e-12)
  }

  @Test func severalSubjectsNeedAnId() throws {
    let table = try EventTable(csv: "ID,TIME,AMT\n1,0,10\n2,0,20\n2,1,5\n", file: "two.csv")
    #expect(table.ids == ["1", "2"])
    let error = #expect(throws: KetasimError.self) { try table.regimen() }
    #expect(error?.remedy == .chooseSubject, "\(String(describing: error))")
    #expect(error?.description.contains("1, 2") == true)
    #expect(try table.regimen(id: "2").doses(forWeight: 70).map(\.milligrams) == [20, 5])
    let missing = #expect(throws: KetasimError.self) { try table.regimen(id: "3") }
    #expect(missing?.description.contains("no subject with ID 3") == true)
  }

  struct Rejection: Sendable, CustomTestStringConvertible {
    var csv: String
    var line: Int
    var mentions: [String]
    var testDescription: String { mentions.joined(separator: ", ") }
  }

  static let rejections: [Rejection] = [
    Rejection(csv: "ID,AMT\n1,10\n", line: 1, mentions: ["TIME"]),
    Rejection(csv: "TIME,AMT\n0,10\n-1,10\n", line: 3, mentions: ["TIME '-1'"]),
    Rejection(csv: "TIME,AMT\n0,ten\n", line: 2, mentions: ["AMT 'ten'", "number"]),
    Rejection(csv: "TIME,AMT\n0,-5\n", line: 2, mentions: ["AMT"]),
    Rejection(csv: "TIME,AMT,EVID\n0,10,1\n1,0,3\n", line: 3, mentions: ["EVID '3'", "resets"]),
    Rejection(csv: "TIME,AMT,EVID\n0,10,4\n", line: 2, mentions: ["EVID '4'"]),
    Rejection(csv: "TIME,AMT,RATE\n0,10,-1\n", line: 2, mentions: ["RATE '-1'", "modelled"]),
    Rejection(csv: "TIME,AMT,RATE\n0,10,-2\n", line: 2, mentions: ["DUR"]),
    Rejection(csv: "TIME,AMT,CMT\n0,10,2\n", line: 2, mentions: ["CMT '2'", "central"]),
    Rejection(csv: "TIME,AMT,ADDL\n0,10,3\n", line: 2, mentions: ["II", "ADDL 3"]),
    Rejection(csv: "TIME,AMT,ADDL,II\n0,10,1.5,2\n", line: 2, mentions: ["ADDL '1.5'"]),
    Rejection(csv: "TIME,AMT,SS\n0,10,1\n", line: 2, mentions: ["II", "SS 1"]),
    Rejection(csv: "TIME,AMT,SS,II\n2,10,1,12\n", line: 2, mentions: ["time 0"]),
    Rejection(csv: "TIME,AMT,RATE,EVID,SS,II\n0,0,10,1,1,12\n", line: 2, mentions: ["AMT 0"]),
    Rejection(csv: "TIME,AMT,SS,II\n0,10,3,12\n", line: 2, mentions: ["SS '3'"]),
    Rejection(csv: "TIME,AMT,RATE,DUR\n0,100,10,2\n", line: 2, mentions: ["DUR", "AMT/RATE"]),
    Rejection(csv: "TIME,AMT,TIME\n0,1,2\n", line: 1, mentions: ["TIME appears twice"]),
    Rejection(csv: "TIME,AMT,II,ADDL\n0,1,800000,100000\n", line: 2, mentions: ["ADDL", "100 years"]),
    Rejection(csv: "TIME,AMT,SS,II\n0,10,1,12\n0,5,1,12\n", line: 3, mentions: ["SS=2"]),
    // Amounts and rates that would overflow the concentrations to infinity.
    Rejection(csv: "TIME,AMT\n0,1.7e308\n", line: 2, mentions: ["AMT '1.7e308'", "1e9 mg"]),
    Rejection(csv: "TIME,AMT,RATE\n0,10,1e300\n", line: 2, mentions: ["RATE '1e300'", "1e9 mg/min"]),
  ]

  @Test(arguments: rejections)
  func errorsNameTheLine(_ rejection: Rejection) throws {
    let error = #expect(throws: KetasimError.self) {
      try EventTable(csv: rejection.csv, file: "bad.csv").regimen()
    }
    let parts = try #require(RegimenFileTests.inputFileError(error), "got \(String(describing: error))")
    #expect(parts.file == "bad.csv")
    #expect(parts.line == rejection.line, "\(parts)")
    for mention in rejection.mentions {
      #expect(parts.reason.contains(mention), "reason '\(parts.reason)' should mention '\(mention)'")
    }
  }

  @Test func anUnterminatedQuoteIsACSVError() throws {
    let error = #expect(throws: KetasimError.self) { try EventTable(csv: "TIME,AMT\n\"0,1\n", file: "q.csv") }
    guard case .invalidData? = error?.problem else {
      Issue.record("expected invalidData, got \(String(describing: error))")
      return
    }
    // The field holds a line break; the message shows it as \n and stays one line.
    let description = error?.description ?? ""
    #expect(!description.contains("\n") && description.contains("\\n"), "\(description)")
  }

  // MARK: - Export

  @Test func exportWritesResolvedDosesSteadyStateAndSamplesSortedByTime() throws {
    var regimen = try Regimen(
      yaml: "steps:\n  - dose: 1 mg/kg at 1 h\n  - dose: 0.15 mg/kg/h for 2 h\n", file: "r.yaml")
    regimen.output.times = [ClockTime(microseconds: Self.hour)]
    regimen.steadyState = [
      .init(dose: try DoseSpec(parsing: "10 mg over 30 min"), interval: ClockTime(microseconds: 12 * Self.hour))
    ]
    let table = EventTable(regimen: regimen, weightKilograms: 80)
    var bytes: [UInt8] = []
    var writer = CSVWriter { bytes += $0 }
    try table.write(to: &writer)
    // At 80 kg: 12 mg/h for 2 h (24 mg) at 0; the SS dose 10 mg at 20 mg/h;
    // 80 mg at 1 h, then the sample at 1 h after the dose.
    #expect(
      String(decoding: bytes, as: UTF8.self) == """
        ID,TIME,AMT,RATE,EVID,CMT,II,ADDL,SS
        1,0.0,10.0,20.0,1,1,12.0,0,1
        1,0.0,24.0,12.0,1,1,0.0,0,0
        1,1.0,80.0,0.0,1,1,0.0,0,0
        1,1.0,0.0,0.0,0,1,0.0,0,0

        """)
  }

  @Test(arguments: RegimenCatalog.names)
  func exportThenImportGivesTheSameDoses(_ name: String) throws {
    let regimen = try RegimenCatalog.resolve(name)
    for unit in EventTable.TimeUnit.allCases {
      var bytes: [UInt8] = []
      var writer = CSVWriter { bytes += $0 }
      try EventTable(regimen: regimen, weightKilograms: 63).write(to: &writer, timeUnit: unit)
      let back = try EventTable(csv: String(decoding: bytes, as: UTF8.self), file: "x.csv", timeUnit: unit).regimen()
      let original = try regimen.schedule(forWeight: 63).doses.sorted { $0.start < $1.start }
      let imported = try back.schedule(forWeight: 63).doses.sorted { $0.start < $1.start }
      #expect(imported.count == original.count)
      for (a, b) in zip(original, imported) {
        #expect(a.start == b.start && a.end == b.end, "\(a) vs \(b)")
        #expect(abs(a.milligrams - b.milligrams) <= 1e-12 * max(1, a.milligrams), "\(a) vs \(b)")
      }
      #expect(back.output.times == regimen.output.times)
    }
  }

  @Test func steadyStateSurvivesTheRoundTrip() throws {
    let csv = Self.header + "1,0,100,8.333333333333334,1,1,6,12,1\n"
    let regimen = try EventTable(csv: csv, file: "r9.csv").regimen()
    var bytes: [UInt8] = []
    var writer = CSVWriter { bytes += $0 }
    try EventTable(regimen: regimen, weightKilograms: 70).write(to: &writer)
    let back = try EventTable(csv: String(decoding: bytes, as: UTF8.self), file: "back.csv").regimen()
    let times = (0...20).map { ClockTime(microseconds: Int64($0) * 6 * Self.hour) }
    let original = try regimen.simulation(for: try Self.nmtests(), weightKilograms: 70).centralConcentrations(at: times)
    let again = try back.simulation(for: try Self.nmtests(), weightKilograms: 70).centralConcentrations(at: times)
    for (a, b) in zip(original, again) { expectClose(a, b, rel: 1e-12, "after export and import") }
  }
}
