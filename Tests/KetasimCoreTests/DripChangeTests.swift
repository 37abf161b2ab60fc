import Testing

@testable import KetasimCore

// Chains of rates ('then') and changes to a running drip ('at 20 min to
// 0.3 mg/kg/h', 'at 25 min stop'), checked against the same schedule
// written as separate doses, by hand.

@Suite("Drip changes: 'then' chains and rate changes")
struct DripChangeTests {
  /// Expects the same administrations, rates within 1e-12 relative.
  static func expectSame(_ a: [Dose], _ b: [Dose], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(a) vs \(b)", sourceLocation: sourceLocation)
    for (x, y) in zip(a, b) {
      #expect(x.start == y.start && x.end == y.end, "\(x) vs \(y)", sourceLocation: sourceLocation)
      expectClose(x.milligrams, y.milligrams, rel: 1e-12, sourceLocation: sourceLocation)
    }
  }

  static func doses(_ texts: [String], weight: Double = 70) throws -> [Dose] {
    try texts.flatMap { try DoseSpec.chain(parsing: $0).flatMap { $0.doses(forWeight: weight) } }
  }

  @Test func chainsAndTheirErrors() throws {
    let chain = try DoseSpec.chain(parsing: "0.75 mg/kg/h for 15 min at 5 min then 0.375 mg/kg/h for 25 min")
    #expect(chain.map(\.start) == [.minutes(5), .minutes(20)])
    let loading = try Self.doses(["1 mg/kg then 0.5 mg/kg/h for 2 h"])
    #expect(
      loading == [
        .bolus(milligrams: 70, at: .zero), .infusion(milligramsPerMinute: 35.0 / 60, start: .zero, duration: .hours(2)),
      ])
    #expect(throws: KetasimError.self) { try DoseSpec.chain(parsing: "1 mg/h for 1 h then 2 mg/h for 1 h at 3 h") }
    #expect(throws: KetasimError.self) {
      try DoseSpec.chain(parsing: "1 mg/h for 1 h then 2 mg/h for 1 h every 1 d x 2")
    }
    #expect(throws: KetasimError.self) { try DoseSpec.chain(parsing: "1 mg/h for 1 h then") }
  }

  @Test func aChangeCutsTheRunningInfusionAndKeepsItsPlannedEnd() throws {
    let change = try RateChange(parsing: "at 20 min to 0.3 mg/kg/h")
    let planned = try Self.doses(["0.5 mg/kg over 40 min"])
    let changed = change.apply(to: planned, weightKilograms: 70)
    // By hand: 0.875 mg/min for 20 min, then 0.3·70/60 = 0.35 mg/min from 20 to 40 min.
    Self.expectSame(
      changed,
      [
        .infusion(milligramsPerMinute: 0.875, start: .zero, duration: .minutes(20)),
        .infusion(milligramsPerMinute: 0.3 * 70 / 60, start: .minutes(20), duration: .minutes(20)),
      ])
  }

  @Test func stopForAndWhatAChangeLeavesAlone() throws {
    let planned = try Self.doses(["0.15 mg/kg/h for 4 h", "35 mg at 2 h", "0.5 mg/kg over 40 min at 3 h"])
    let stopped = try RateChange(parsing: "at 1 h stop").apply(to: planned, weightKilograms: 70)
    Self.expectSame([stopped[0]], [.infusion(milligramsPerMinute: 0.15 * 70 / 60, start: .zero, duration: .hours(1))])
    #expect(Array(stopped[1...]) == Array(planned[1...]), "later doses are kept")
    let longer = try RateChange(parsing: "change at 1 h to 5 mg/h for 30 min").apply(to: planned, weightKilograms: 70)
    #expect(longer.last == .infusion(milligramsPerMinute: 5.0 / 60, start: .hours(1), duration: .minutes(30)))
  }

  @Test func badChangesAreRefusedWithTheirText() throws {
    for text in [
      "at 20 min slower", "20 min to 1 mg/h", "at 20 min to 1 mg", "at 20 min to 1 mg/h extra", "at x to 1 mg/h",
    ] {
      #expect(throws: KetasimError.self, "\(text)") { try RateChange(parsing: text) }
    }
    let nothingRunning = try RateChange(parsing: "at 50 min to 1 mg/h")
    #expect(throws: KetasimError.self) { try nothingRunning.check(against: try Self.doses(["0.5 mg/kg over 40 min"])) }
  }

  @Test func regimenFilesTakeChangesAndChains() throws {
    let text = """
      steps:
        - dose: 0.75 mg/kg/h for 15 min then 0.375 mg/kg/h for 25 min
      changes:
        - at 30 min stop
      """
    let doses = try Regimen(yaml: text, file: "r.yaml").doses(forWeight: 80)
    #expect(
      doses == [
        .infusion(milligramsPerMinute: 1, start: .zero, duration: .minutes(15)),
        .infusion(milligramsPerMinute: 0.5, start: .minutes(15), duration: .minutes(15)),
      ])
    let bad = "steps:\n  - dose: 1 mg/kg\nchanges:\n  - at 10 min to 1 mg/h\n"
    #expect(throws: KetasimError.self) { try Regimen(yaml: bad, file: "r.yaml") }
  }

  @Test func overlappingInfusionsSayTheirTotalRate() throws {
    let schedule = try DosingSchedule(try Self.doses(["0.5 mg/kg over 40 min", "0.5 mg/kg over 40 min at 20 min"]))
    let notes = DoseWarnings.overlaps(schedule, weightKilograms: 70)
    #expect(notes.count == 1)
    #expect(notes.first?.contains("from 20 min to 40 min") == true && notes.first?.contains("to 105 mg/h") == true)
    #expect(
      DoseWarnings.overlaps(try DosingSchedule(try Self.doses(["0.5 mg/kg over 40 min"])), weightKilograms: 70).isEmpty)
  }
}
