import Foundation
import Testing

@testable import KetasimCore

// Effect endpoints with a published curve (Models/effects.yaml): the CSV's effect columns against an independent
// computation, the site concentration from Disposition's closed form (ke0 as its effect site) and the link written
// out here in its textbook form; a chosen effect level against the forward curve; plasma endpoints against plasma;
// and the refusals.

@Suite struct EffectLinkTests {
  /// The CSV of `request` as columns by name.
  private func columns(_ request: ScenarioRequest) throws -> (Scenario, [String: [Double]]) {
    let scenario = try request.resolve()
    guard case .general(let simulation) = try scenario.run() else {
      throw KetasimError.invalidValue("test", "engine", accepted: "general")
    }
    var course = TimeCourse(simulation: simulation, grid: scenario.grid, thresholds: scenario.subject.thresholds)
    course.endpoints = scenario.subject.endpoints
    var bytes: [UInt8] = []
    var writer = CSVWriter(sink: { bytes += $0 })
    try course.write(to: &writer)
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",") }
    var table: [String: [Double]] = [:]
    for (k, name) in lines[0].enumerated() { table[String(name)] = lines.dropFirst().map { Double($0[k])! } }
    return (scenario, table)
  }

  private func request(_ effects: [String], model: String = "domino1984") -> ScenarioRequest {
    var request = ScenarioRequest()
    request.model = model
    request.weightKilograms = 70
    request.doses = ["1 mg/kg over 10 min", "1 mg/kg/h for 50 min at 10 min"]
    request.duration = .hours(3)
    request.step = .minutes(0.5)
    request.effects = effects
    return request
  }

  /// Closed-form concentrations of the scenario's typical patient: plasma, and an effect site at `ke0`.
  private func closedForm(_ scenario: Scenario, ke0: Double) throws -> (cp: [Double], ce: [Double]) {
    let p = try scenario.subject.definition.parameters(for: scenario.patient, ke0Override: ke0)
    let closed = Simulation(disposition: Disposition(p), schedule: scenario.schedule)
    let states = closed.states(at: scenario.grid.times)
    return (
      states.map { closed.disposition.plasma.nanogramsPerMilliliter($0) },
      states.map { closed.disposition.effectSite!.nanogramsPerMilliliter($0) }
    )
  }

  @Test func aniIndexIsTheSigmoidOfTheClosedFormEffectSite() throws {
    let (scenario, table) = try columns(request(["ani"]))
    let (_, ce) = try closedForm(scenario, ke0: 0.238)
    let site = try #require(table["ani_ng_per_ml"])
    let index = try #require(table["ani_index"])
    #expect(site.count == ce.count && site.count == 361)
    for k in ce.indices {
      expectClose(site[k], ce[k], rel: 1e-9, abs: 1e-12)
      // E = E0 + (Emax − E0)·C^γ/(C50^γ + C^γ), the published form, on racemic ng/mL.
      let c = ce[k]
      let expected = 31.4 + (100 - 31.4) * pow(c, 12.5) / (pow(188, 12.5) + pow(c, 12.5))
      expectClose(index[k], expected, rel: 1e-9)
    }
    // The run reaches far enough to span the curve: from baseline to near its maximum.
    #expect(index.first == 31.4 && index.max()! > 95)
  }

  @Test func psychedelicColumnsAreTheTwoLinesOnPlasma() throws {
    let (scenario, table) = try columns(request(["psychedelic"]))
    let (cp, _) = try closedForm(scenario, ke0: 1)
    let site = try #require(table["psychedelic_ng_per_ml"])
    let low = try #require(table["psychedelic_low_pct_of_max"])
    let high = try #require(table["psychedelic_high_pct_of_max"])
    for k in cp.indices {
      expectClose(site[k], cp[k], rel: 1e-9, abs: 1e-12)
      expectClose(low[k], 37 * cp[k] / 200, rel: 1e-9, abs: 1e-12)
      expectClose(high[k], 89 * cp[k] / 200, rel: 1e-9, abs: 1e-12)
    }
    // No C50, so no flag column and no onset: the summary says so and gives the effect at the peak.
    #expect(table["psychedelic_above_c50"] == nil)
    guard case .general(let simulation) = try scenario.run() else { return }
    let summary = SummaryTable(
      simulation: simulation, end: scenario.grid.end, model: scenario.subject.definition, patient: scenario.patient,
      thresholds: scenario.subject.thresholds, ke0Source: "", syringe: nil, endpoints: scenario.subject.endpoints)
    #expect(summary["psychedelic_onset"] == nil)
    let peak = try #require(summary["psychedelic_ce_max"].flatMap(Double.init))
    expectClose(
      try #require(summary["psychedelic_high_pct_of_max_at_peak"].flatMap(Double.init)), 89 * peak / 200, rel: 1e-12)
    #expect(
      summary.warnings.contains { $0.hasPrefix("psychedelic: ") && $0.contains("no C50") && $0.contains("50-200") })
  }

  @Test func drugHighActsOnPlasmaAtTwiceTheSC50() throws {
    let (scenario, table) = try columns(request(["drug_high"]))
    let (cp, _) = try closedForm(scenario, ke0: 1)
    let site = try #require(table["drug_high_ng_per_ml"])
    let flag = try #require(table["drug_high_above_c50"])
    let c50 = 2 * 0.3 * 237.73
    for k in cp.indices {
      expectClose(site[k], cp[k], rel: 1e-9, abs: 1e-12)
      if abs(cp[k] - c50) > 1e-6 { #expect(flag[k] == (cp[k] > c50 ? 1 : 0)) }
    }
    #expect(flag.contains(1) && flag.contains(0))
  }

  @Test func aChosenLevelIsReadAgainstTheConcentrationWhereTheCurveReachesIt() throws {
    let scenario = try request(["ani@60"]).resolve()
    guard case .general(let simulation) = try scenario.run() else { return }
    let summary = SummaryTable(
      simulation: simulation, end: scenario.grid.end, model: scenario.subject.definition, patient: scenario.patient,
      thresholds: scenario.subject.thresholds, ke0Source: "", syringe: nil, endpoints: scenario.subject.endpoints)
    let level = try #require(summary["ani_level"].flatMap(Double.init))
    // The forward curve at that concentration gives the level back.
    expectClose(31.4 + 68.6 * pow(level, 12.5) / (pow(188, 12.5) + pow(level, 12.5)), 60, rel: 1e-12)
    // Onset and offset: the closed-form effect site crossing it.
    let p = try scenario.subject.definition.parameters(for: scenario.patient, ke0Override: 0.238)
    let closed = Simulation(disposition: Disposition(p), schedule: scenario.schedule)
    let reference = CurveReadout(
      closed, site: .effectSite, through: scenario.grid.end,
      thresholds: [NamedThreshold(name: "level", nanogramsPerMilliliter: level)])
    let times = reference.thresholds[0]
    expectClose(try #require(summary["ani_onset"].flatMap(Double.init)), try #require(times.firstAbove), rel: 1e-8)
    expectClose(try #require(summary["ani_offset"].flatMap(Double.init)), try #require(times.lastAbove), rel: 1e-8)
    expectClose(try #require(summary["ani_time_above_level"].flatMap(Double.init)), times.minutesAbove, rel: 1e-7)
    #expect(summary["ani_time_above_c50"] == nil)
    // Unverified numbers are named in every output.
    #expect(summary.warnings.contains { $0.hasPrefix("ani is UNVERIFIED") })
    #expect(summary["warnings"]?.contains("ani is UNVERIFIED") == true)
  }

  @Test(arguments: [
    ("dissociation@50", "domino1984", "no published effect curve"),
    ("ani@120", "domino1984", "strictly between 31.4 and 100.0"),
    ("ani@high", "domino1984", "a number in index (0-100)"),
    ("psychedelic@20", "domino1984", "range of slopes"),
    ("psychedelic", "perezruixo2021", "perezruixo2021 is an S-ketamine model"),
  ])
  func levelsAndDrugsAnEndpointCannotTakeAreRefused(effect: String, model: String, expected: String) {
    var request = request([effect], model: model)
    request.drug = model == "perezruixo2021" ? .esketamine : nil
    do {
      _ = try request.resolve()
      Issue.record("\(effect) on \(model) was accepted")
    } catch {
      #expect("\(error)".contains(expected), "\(error)")
    }
  }

  @Test func theFileFormatNamesItsErrors() {
    let base = """
      endpoints:
        - id: x
          name: "x"
          basis: racemic ketamine
          site: effect
          t_half_ke0_min: {value: 5}
          c50: {value: 100, unit: ng/mL}
          racemic: "r"
          population: "p"
          source: "s"
          verification: "v"
      """
    #expect((try? EffectEndpoint.read(yaml: base, file: "e.yaml"))?.first?.ke0PerMinute == log(2) / 5)
    let cases = [
      (base.replacingOccurrences(of: "site: effect", with: "site: brain"), "e.yaml:5:"),
      (base + "\n    link: {form: cubic, unit: u, column: c}", "expected sigmoid_emax or linear"),
      (
        base + "\n    link: {form: linear, concentration_ng_per_ml: 100, effect: [9, 3], unit: u, column: c}",
        "[low, high]"
      ),
      (base.replacingOccurrences(of: "    c50: {value: 100, unit: ng/mL}\n", with: ""), "needs a c50 or a link"),
      (base + "\n    ke0_per_min: {value: 0.1}", "not both"),
    ]
    for (text, expected) in cases {
      do {
        _ = try EffectEndpoint.read(yaml: text, file: "e.yaml")
        Issue.record("accepted: \(expected)")
      } catch {
        #expect("\(error)".contains(expected), "\(error)")
      }
    }
  }
}
