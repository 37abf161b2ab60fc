import Foundation
import Testing

@testable import KetasimCore

// Effect endpoints (Models/effects.yaml) on their own effect sites: the published numbers, the effect-site
// concentration against Disposition's closed-form effect site with the endpoint's ke0 (an independent code path:
// spectral closed form with exponential divided differences vs the general engine's eigen-decomposition), and
// onset, offset and time above C50 against the exact read-out of that closed form.

@Suite struct EffectEndpointTests {
  @Test func dissociationCarriesOlofsensPublishedNumbers() throws {
    let endpoint = try ModelCatalog.builtIn().effect(id: "dissociation")
    // 0.51 nmol/mL × 237.73 g/mol; t1/2ke0 8.3 min.
    let c50 = try #require(endpoint.c50NanogramsPerMilliliter)
    expectClose(c50, 0.51 * 237.73, rel: 1e-15)
    expectClose(try #require(endpoint.ke0PerMinute), log(2) / 8.3, rel: 1e-15)
    #expect(endpoint.isSKetamineBasis && endpoint.link == nil && endpoint.unverified == nil)
    // The S C50 on a racemic model's scale is twice it; on an S-ketamine model it is the S value.
    #expect(endpoint.c50(forSKetamineModel: false) == 2 * c50)
    #expect(endpoint.c50(forSKetamineModel: true) == c50)
    #expect(throws: KetasimError.self) { try ModelCatalog.builtIn().effect(id: "euphoria") }
  }

  @Test(arguments: ["clements250", "domino1984", "kamp2020"])
  func effectSiteEqualsTheClosedFormWithTheEndpointsKe0(model: String) throws {
    var request = ScenarioRequest()
    request.model = model
    request.weightKilograms = 70
    request.doses = ["1 mg/kg over 10 min", "0.5 mg/kg/h for 60 min at 10 min"]
    request.duration = .hours(4)
    request.effects = ["dissociation"]
    let scenario = try request.resolve()
    guard case .general(let general) = try scenario.run() else {
      Issue.record("an effect endpoint runs on the general engine")
      return
    }
    let endpoint = try #require(scenario.subject.endpoints.first)
    #expect(endpoint.c50NanogramsPerMilliliter == 2 * 0.51 * 237.73)
    // The same patient in closed form, the endpoint's ke0 as the effect site.
    let p = try scenario.subject.definition.parameters(
      for: scenario.patient, ke0Override: endpoint.endpoint.ke0PerMinute)
    let closed = Simulation(disposition: Disposition(p), schedule: general.schedule)
    let observation = try #require(general.disposition.observation(endpoint.site))
    let times = stride(from: 0.0, through: 240, by: 3.7).map { ClockTime(minutes: $0) }
    for (a, b) in zip(general.states(at: times), closed.states(at: times)) {
      expectClose(
        observation.nanogramsPerMilliliter(a), closed.disposition.effectSite!.nanogramsPerMilliliter(b), rel: 1e-9)
    }
    // The summary's onset, offset and time above C50 are the closed form's crossings of C50.
    let table = SummaryTable(
      simulation: general, end: scenario.grid.end, model: scenario.subject.definition, patient: scenario.patient,
      thresholds: scenario.subject.thresholds, ke0Source: "", syringe: nil, endpoints: scenario.subject.endpoints)
    let level = NamedThreshold(name: "c50", nanogramsPerMilliliter: try #require(endpoint.c50NanogramsPerMilliliter))
    let reference = CurveReadout(closed, site: .effectSite, through: scenario.grid.end, thresholds: [level])
    let times50 = reference.thresholds[0]
    let onset = try #require(times50.firstAbove, "\(model) reaches C50 with 1 mg/kg")
    expectClose(try #require(table["dissociation_onset"].flatMap(Double.init)), onset, rel: 1e-8)
    expectClose(
      try #require(table["dissociation_offset"].flatMap(Double.init)), try #require(times50.lastAbove), rel: 1e-8)
    expectClose(
      try #require(table["dissociation_time_above_c50"].flatMap(Double.init)), times50.minutesAbove, rel: 1e-7)
    expectClose(try #require(table["dissociation_ce_max"].flatMap(Double.init)), reference.maximum, rel: 1e-9)
    // Every output carries the endpoint's caution.
    #expect(table.warnings.contains { $0.hasPrefix("dissociation: ") && $0.contains("242.5 ng/mL racemic") })
  }

  @Test func anSKetamineModelUsesTheSC50() throws {
    var request = ScenarioRequest()
    request.model = "perezruixo2021"
    request.drug = .esketamine
    request.doses = ["0.5 mg/kg over 40 min"]
    request.effects = ["dissociation"]
    let scenario = try request.resolve()
    let endpoint = try #require(scenario.subject.endpoints.first)
    expectClose(try #require(endpoint.c50NanogramsPerMilliliter), 0.51 * 237.73, rel: 1e-15)
    guard case .general(let simulation) = try scenario.run() else { return }
    #expect(simulation.disposition.observations.map(\.site.rawValue) == ["cp", "nk", "nk", "dissociation"])
  }
}

@Suite struct SessionSheetEffectTests {
  @Test func theSheetSaysWhenDissociationStartsAndEnds() throws {
    var request = ScenarioRequest()
    request.model = "perezruixo2021"
    request.drug = .esketamine
    request.doses = ["1 mg/kg over 40 min"]
    request.duration = .hours(6)
    request.effects = ["dissociation"]
    let scenario = try request.resolve()
    guard case .general(let simulation) = try scenario.run() else { return }
    let sheet = SessionSheet(
      simulation: simulation, end: scenario.grid.end, model: scenario.subject.definition, patient: scenario.patient,
      thresholds: scenario.subject.thresholds, syringe: nil, endpoints: scenario.subject.endpoints)
    let effect = try #require(sheet.effects.first)
    // The sheet's times are the exact read-out of the endpoint's effect site against C50.
    let observation = try #require(simulation.disposition.observation(Observation.Site(rawValue: "dissociation")))
    let curve = ExactCurve(simulation, observation: observation, through: scenario.grid.end)
    let exact = curve.timesAbove(NamedThreshold(name: "c50", nanogramsPerMilliliter: 0.51 * 237.73))
    #expect(effect.above == exact)
    let onset = try #require(exact.firstAbove)
    let offset = try #require(exact.lastAbove)
    let section = try #require(sheet.sections.first { $0.heading == "Effects" })
    #expect(section.lines[0].contains("from \(ClinicalFormat.clock(onset)) to \(ClinicalFormat.clock(offset))"))
    // The metabolite's peak, and the caution that racemic levels do not apply to S-ketamine.
    let nk = try #require(sheet.metabolites.first)
    #expect(nk.name == "nk" && nk.peak > 0)
    #expect(sheet.warnings.contains { $0.contains("reference levels") && $0.contains("racemic") })
  }
}

@Suite struct PopulationEffectTests {
  @Test func eachSubjectsTimeAboveC50IsItsClosedFormAndTheFractionTheirMean() throws {
    var request = ScenarioRequest()
    request.model = "clements250"
    request.weightKilograms = 70
    request.doses = ["1 mg/kg over 40 min"]
    request.duration = .hours(4)
    request.step = .minutes(5)
    request.effects = ["dissociation"]
    let scenario = try request.resolve()
    let design = PopulationDesign(
      model: scenario.subject.definition, variability: BetweenSubjectVariability(omegas: [.cl: 0.3, .v1: 0.4]),
      covariates: .fixed(scenario.patient), seed: 4)
    let population = try PopulationSimulation(
      design: design, totalSubjects: 60, grid: scenario.grid, thresholds: scenario.subject.thresholds,
      percentiles: PercentileList([50]), doses: "1 mg/kg", threads: 2, endpoints: scenario.subject.endpoints
    ) { _ in scenario.schedule }
    let columns = population.layout.subjectColumns
    let time = try #require(columns.firstIndex(of: "dissociation_time_above_c50_min"))
    let flag = try #require(columns.firstIndex(of: "dissociation_ever_above_c50"))
    #expect(flag == columns.count - 1 && population.layout.flagsFrom < flag && time < population.layout.flagsFrom)
    let rows = try population.subjectRows()
    let endpoint = try #require(scenario.subject.endpoints.first)
    let level = NamedThreshold(name: "c50", nanogramsPerMilliliter: try #require(endpoint.c50NanogramsPerMilliliter))
    for (index, row) in rows.enumerated() where index % 7 == 0 {
      // The subject's own parameters in closed form, the endpoint's ke0 as its effect site.
      let subject = try design.subject(index + 1)
      let p = try #require(subject.parameters)
      let withSite = try PKParameters(
        centralVolume: p.centralVolume, clearance: p.clearance, peripherals: p.peripherals,
        ke0: endpoint.endpoint.ke0PerMinute)
      let closed = Simulation(disposition: Disposition(withSite), schedule: scenario.schedule)
      let readout = CurveReadout(closed, site: .effectSite, through: scenario.grid.end, thresholds: [level])
      expectClose(row[time], readout.thresholds[0].minutesAbove, rel: 1e-7)
      #expect(row[flag] == (readout.thresholds[0].firstAbove == nil ? 0 : 1))
    }
    var summary = PopulationSummary(layout: population.layout)
    for row in rows { summary.add(row) }
    let fraction = try #require(summary.rows.first { $0.metric == "dissociation_fraction_above_c50" }?.value)
    #expect(Double(fraction) == Double(rows.filter { $0[flag] != 0 }.count) / Double(rows.count))
  }
}
