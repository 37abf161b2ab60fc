import Foundation
import Testing

@testable import KetasimCore

// A model file with a `structure:` section (Tests/Fixtures/GeneralStructure/test_metabolite_model.yaml: parent
// 2-cmt, metabolite 1-cmt formed from 80 % of the parent's elimination) through the whole library path: model
// file → scenario → exact simulation, read-out, time course and the lane kernels, each against the 50-digit
// mpmath references metabolite_reference.csv (states and concentrations) and metabolite_readout.csv (peak,
// areas), and the effect site against Disposition's closed form (the parent part is a mammillary model).

enum MetaboliteFixture {
  static let directory = ParsingSupport.packageRoot.appendingPathComponent("Tests/Fixtures/GeneralStructure")
  static let modelPath = directory.appendingPathComponent("test_metabolite_model.yaml").path
  /// The reference regimen: 50 mg bolus at 0, 2 mg/min on [10, 40) min.
  static let doses = ["50 mg", "2 mg/min for 30 min at 10 min"]

  static func scenario(ke0: Double? = nil, step: ClockTime = ClockTime(minutes: 0.1)) throws -> Scenario {
    var request = ScenarioRequest()
    request.model = modelPath
    request.doses = doses
    request.ke0 = ke0
    request.duration = ClockTime(minutes: 480.2)
    request.step = step
    return try request.resolve()
  }

  static func general(_ scenario: Scenario) throws -> ExactSimulation<GeneralDisposition> {
    guard case .general(let simulation) = try scenario.run() else {
      Issue.record("a structure: model must run on the general engine")
      throw CancellationError()
    }
    return simulation
  }

  /// metabolite_reference.csv: time, parent, peripheral, metabolite (mg), cp, nk (ng/mL), nk (nmol/mL).
  static func states() throws -> [[Double]] {
    let text = try String(contentsOf: directory.appendingPathComponent("metabolite_reference.csv"), encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double(String($0)) ?? .nan } }
  }

  /// metabolite_readout.csv: metric → value.
  static func readout() throws -> [String: Double] {
    let text = try String(contentsOf: directory.appendingPathComponent("metabolite_readout.csv"), encoding: .utf8)
    var result: [String: Double] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",")
      result[String(fields[0])] = Double(String(fields[1]))
    }
    return result
  }
}

@Suite struct MetaboliteModelTests {
  @Test func modelFileDeclaresItsStructureAndKeepsParametersWithSources() throws {
    let model = try ModelCatalog.loadModelFile(at: MetaboliteFixture.modelPath)
    let structure = try #require(model.structure)
    #expect(structure.compartments == ["central", "peripheral", "metabolite"])
    #expect(structure.outputs.map(\.name) == ["cp", "nk", "nk"])
    #expect(model.parameter("FM")?.dimension == .fraction)
    #expect(model.parameter("CLM")?.canonicalValue == 0.5)
    #expect(throws: KetasimError.self) { try model.parameters(for: Patient(weightKilograms: 70)) }
  }

  @Test func simulationMatchesFiftyDigitReferenceAtEveryTime() throws {
    let simulation = try MetaboliteFixture.general(MetaboliteFixture.scenario())
    let observations = simulation.disposition.observations
    #expect(observations.map(\.columnName) == ["cp_ng_per_ml", "nk_ng_per_ml", "nk_nmol_per_ml"])
    let reference = try MetaboliteFixture.states()
    #expect(reference.count == 9)
    let states = simulation.states(at: reference.map { ClockTime(minutes: $0[0]) })
    for (row, state) in zip(reference, states) {
      for i in 0..<3 { expectClose(state[i], row[1 + i], rel: 1e-9, "t=\(row[0]) amount \(i)") }
      for (k, observation) in observations.enumerated() {
        expectClose(observation.nanogramsPerMilliliter(state), row[4 + k], rel: 1e-9, "t=\(row[0]) \(observation)")
      }
    }
  }

  @Test func readoutMatchesFiftyDigitPeakAndAreas() throws {
    let scenario = try MetaboliteFixture.scenario()
    let simulation = try MetaboliteFixture.general(scenario)
    let reference = try MetaboliteFixture.readout()
    let table = SummaryTable(
      simulation: simulation, end: scenario.grid.end, model: scenario.subject.definition, patient: scenario.patient,
      thresholds: scenario.subject.thresholds, ke0Source: "", syringe: nil)
    func value(_ metric: String) throws -> Double { try #require(table[metric].flatMap(Double.init)) }
    for metric in ["nk_max", "nk_tmax", "cp_auc", "nk_auc"] {
      expectClose(try value(metric), try #require(reference[metric]), rel: 1e-9, "\(metric)")
    }
    // The molar rows are the same curve over the molar mass.
    expectClose(try value("nk_molar_max"), try value("nk_max") / 223.7, rel: 1e-12)
    expectClose(try value("nk_molar_auc"), try value("nk_auc") / 223.7, rel: 1e-12)
    // The parent's peak is the bolus at time zero: 50 mg / 20 L.
    #expect(try value("cp_max") == 2500)
  }

  @Test func effectSiteOnTheParentEqualsTheMammillaryClosedForm() throws {
    let ke0 = 0.2
    let general = try MetaboliteFixture.general(MetaboliteFixture.scenario(ke0: ke0))
    #expect(general.disposition.observations.map(\.site.rawValue) == ["cp", "ce", "nk", "nk"])
    // The parent alone is a mammillary model: V1 20 L, CL 1.2 L/min, V2 50 L, Q 1.5 L/min.
    let parent = try PKParameters(
      centralVolume: 20, clearance: 1.2, peripherals: [(volume: 50, clearance: 1.5)], ke0: ke0)
    let closed = Simulation(disposition: Disposition(parent), schedule: general.schedule)
    let times = stride(from: 0.0, through: 480, by: 7.9).map { ClockTime(minutes: $0) }
    let ce = try #require(general.disposition.observation(.effectSite))
    for (a, b) in zip(general.states(at: times), closed.states(at: times)) {
      expectClose(ce.nanogramsPerMilliliter(a), closed.disposition.effectSite!.nanogramsPerMilliliter(b), rel: 1e-9)
      expectClose(a[0], b[0], rel: 1e-9)
    }
    // Read-outs of the effect site agree too (exact peak and time above).
    let end = ClockTime(minutes: 480)
    let thresholds = [NamedThreshold(name: "level", nanogramsPerMilliliter: 300)]
    let fromGeneral = CurveReadout(general, site: .effectSite, through: end, thresholds: thresholds)
    let fromClosed = CurveReadout(closed, site: .effectSite, through: end, thresholds: thresholds)
    expectClose(fromGeneral.maximum, fromClosed.maximum, rel: 1e-9)
    expectClose(fromGeneral.timeOfMaximum, fromClosed.timeOfMaximum, rel: 1e-7)
    expectClose(fromGeneral.areaUnderCurve, fromClosed.areaUnderCurve, rel: 1e-9)
    expectClose(fromGeneral.thresholds[0].minutesAbove, fromClosed.thresholds[0].minutesAbove, rel: 1e-8)
  }

  @Test(arguments: [Kernel.tiled, .blas, .scalar])
  func laneKernelsMatchFiftyDigitReference(kernel: Kernel) throws {
    let scenario = try MetaboliteFixture.scenario()
    let simulation = try MetaboliteFixture.general(scenario)
    let lanes = 5
    let lane = try LaneSimulation(
      dispositions: [simulation.disposition], schedules: [simulation.schedule], lanes: lanes, grid: scenario.grid)
    let result = lane.run(kernel: kernel)
    let observations = simulation.disposition.observations
    for row in try MetaboliteFixture.states() {
      let index = try #require(result.times.firstIndex(of: ClockTime(minutes: row[0])))
      for l in 0..<lanes {
        for (k, observation) in observations.enumerated() {
          let value = result.values[k][index * lanes + l] * observation.unitFactor
          expectClose(value, row[4 + k], rel: 1e-9, "\(kernel) t=\(row[0]) \(observation.columnName)")
        }
      }
    }
  }

  @Test func timeCourseColumnsComeFromTheModelsObservations() throws {
    let scenario = try MetaboliteFixture.scenario(ke0: 0.2, step: ClockTime(minutes: 1))
    let simulation = try MetaboliteFixture.general(scenario)
    let course = TimeCourse(simulation: simulation, grid: scenario.grid, thresholds: scenario.subject.thresholds)
    let names = scenario.subject.thresholds.map(\.name)
    #expect(
      course.header
        == ["time_min", "rate_mg_per_h", "cp_ng_per_ml", "ce_ng_per_ml", "nk_ng_per_ml", "nk_nmol_per_ml"]
        + names.map { "above_\($0)" } + names.map { "ce_above_\($0)" })
  }

  @Test func structureErrorsNameTheEntryAndWhatIsAccepted() throws {
    let text = try String(contentsOfFile: MetaboliteFixture.modelPath, encoding: .utf8)
    let cases: [(String, String, String)] = [
      ("{from: central, clearance: CL}", "{from: central, clearance: CLX}", "unknown parameter 'CLX'"),
      (
        "{name: cp, compartment: central, unit: ng/mL}", "{name: nk2, compartment: central, unit: ng/mL}",
        "the first observation must be cp"
      ),
      (
        "{from: central, to: metabolite, fraction: FM}", "{from: central, to: metabolite, fraction: 1.5}",
        "expected a fraction from 0 to 1"
      ),
      (
        "{from: central, to: peripheral, clearance: Q2}", "{from: central, to: nowhere, clearance: Q2}",
        "unknown compartment 'nowhere'"
      ),
      (
        "{from: central, to: peripheral, clearance: Q2}", "{from: central, to: peripheral, clearance: V2}",
        "clearance 'V2' is not a clearance"
      ),
      ("compartments: 3", "compartments: 4", "expected 3, the number of compartments"),
    ]
    for (old, new, message) in cases {
      #expect(text.contains(old))
      let broken = text.replacingOccurrences(of: old, with: new)
      do {
        _ = try ModelDefinition(yaml: broken, file: "broken.yaml")
        Issue.record("accepted: \(new)")
      } catch let error as KetasimError {
        #expect(error.description.contains(message), "\(error.description)")
        #expect(error.description.contains("broken.yaml:"), "\(error.description)")
      }
    }
    // Declared but unused parameters are refused too: every number must take part.
    let unused = text.replacingOccurrences(
      of: "{from: central, to: metabolite, fraction: FM}", with: "{from: central, to: metabolite, fraction: 0.8}")
    #expect(throws: KetasimError.self) { try ModelDefinition(yaml: unused, file: "unused.yaml") }
  }
}

/// The metabolite model through the population path: the lane stream (tiled kernel, per-lane systems, events
/// handled lane by lane) and the per-subject read-out, against the same 50-digit references.
@Suite struct MetabolitePopulationTests {
  @Test func laneStreamMatchesFiftyDigitReference() throws {
    let scenario = try MetaboliteFixture.scenario()
    let simulation = try MetaboliteFixture.general(scenario)
    // Lane 1 gets its bolus 0.05 min late (inside an output step: exact event-by-event stepping), so its
    // expected values are not the reference's; lanes 0 and 2 are.
    let late = try DosingSchedule([
      .bolus(milligrams: 50, at: ClockTime(minutes: 0.05)),
      .infusion(milligramsPerMinute: 2, start: ClockTime(minutes: 10), duration: ClockTime(minutes: 30)),
    ])
    let schedules = [simulation.schedule, late, simulation.schedule]
    let stream = LaneStream(
      dispositions: [GeneralDisposition](repeating: simulation.disposition, count: 3), schedules: schedules,
      grid: scenario.grid, rowCapacity: 97)
    let reference = try MetaboliteFixture.states()
    let lateSimulation = ExactSimulation(disposition: simulation.disposition, schedule: late)
    var start = 0
    var values = [Double](repeating: 0, count: 3)
    var checked = 0
    while start < scenario.grid.count {
      let block = start..<min(scenario.grid.count, start + 97)
      stream.advance(block)
      for index in block {
        let time = scenario.grid[index]
        stream.copyRow(index - start, site: 0, into: &values, at: 0)
        if let row = reference.first(where: { ClockTime(minutes: $0[0]) == time }) {
          expectClose(values[0], row[4], rel: 1e-9, "lane 0 t=\(row[0])")
          expectClose(values[2], row[4], rel: 1e-9, "lane 2 t=\(row[0])")
          checked += 1
        }
        if index % 37 == 0 {
          let exact = lateSimulation.states(at: [time])[0][0] * 1000 / 20
          expectClose(values[1], exact, rel: 1e-9, "lane 1 t=\(time.minutes)")
        }
      }
      start = block.upperBound
    }
    #expect(checked == 9)  // every reference time is on the 0.1-min grid
  }

  @Test func subjectReadoutsMatchFiftyDigitReference() throws {
    let scenario = try MetaboliteFixture.scenario()
    let population = try PopulationSimulation(
      design: PopulationDesign(
        model: scenario.subject.definition, variability: BetweenSubjectVariability(),
        covariates: .fixed(scenario.patient), seed: 5),
      totalSubjects: 40, grid: scenario.grid, thresholds: scenario.subject.thresholds,
      percentiles: PercentileList([5, 50, 95]), doses: "reference", threads: 2
    ) { _ in scenario.schedule }
    let columns = population.layout.subjectColumns
    #expect(columns.contains("VM_L") && columns.contains("FM") && columns.contains("nk_auc_ng_min_per_ml"))
    #expect(columns.contains("nk_max_nmol_per_ml") && Set(columns).count == columns.count)
    let reference = try MetaboliteFixture.readout()
    let rows = try population.subjectRows()
    #expect(rows.count == 40)
    for row in rows {
      func value(_ name: String) throws -> Double { row[try #require(columns.firstIndex(of: name))] }
      expectClose(try value("nk_max_ng_per_ml"), try #require(reference["nk_max"]), rel: 1e-9)
      expectClose(try value("nk_tmax_min"), try #require(reference["nk_tmax"]), rel: 1e-9)
      expectClose(try value("nk_auc_ng_min_per_ml"), try #require(reference["nk_auc"]), rel: 1e-9)
      expectClose(try value("cp_auc_ng_min_per_ml"), try #require(reference["cp_auc"]), rel: 1e-9)
      expectClose(try value("nk_auc_nmol_min_per_ml"), try #require(reference["nk_auc"]) / 223.7, rel: 1e-9)
    }
  }

  @Test func variabilityActsOnTheNamedParametersOfTheStructure() throws {
    let scenario = try MetaboliteFixture.scenario()
    let design = PopulationDesign(
      model: scenario.subject.definition,
      variability: BetweenSubjectVariability(omegas: [.cl: 0.3, .v1: 0.2]),
      covariates: .fixed(scenario.patient), seed: 9)
    #expect(
      design.variableParameters(typical: scenario.subject.individual).map(\.rawValue)
        == ["V1", "CL", "V2", "Q2", "VM", "CLM", "FM"])
    for index in 1...20 {
      let subject = try design.subject(index)
      let factors = design.variability.factors(seed: 9, subject: index)
      let names = scenario.subject.definition.parameters.map(\.name)
      let values = Dictionary(uniqueKeysWithValues: zip(names, subject.values))
      expectClose(try #require(values["CL"]), 1.2 * (factors[.cl] ?? .nan), rel: 1e-15)
      expectClose(try #require(values["V1"]), 20 * (factors[.v1] ?? .nan), rel: 1e-15)
      #expect(values["CLM"] == 0.5 && values["VM"] == 30 && values["FM"] == 0.8)
      guard case .general(let structure) = subject.individual else {
        Issue.record("a structure model's subject is general")
        return
      }
      // k10 of the central compartment: CL/V1, split 80/20 between formation and elimination.
      let a = structure.rateMatrix
      expectClose(a[2][0], 0.8 * values["CL"]! / values["V1"]!, rel: 1e-14)
    }
    #expect(throws: KetasimError.self) {
      try BetweenSubjectVariability(
        parsing: "V3=0.2", available: design.variableParameters(typical: scenario.subject.individual))
    }
  }

  @Test func variabilityOnAMetaboliteParameterIsLogNormalOnItsOwnStream() throws {
    let scenario = try MetaboliteFixture.scenario()
    let available = PopulationDesign(
      model: scenario.subject.definition, variability: BetweenSubjectVariability(),
      covariates: .fixed(scenario.patient), seed: 1
    ).variableParameters(typical: scenario.subject.individual)
    let variability = try BetweenSubjectVariability(parsing: "clm=0.4,CL=0.3", available: available)
    let clm = PopulationParameter(rawValue: "CLM")
    #expect(variability.omegas == [clm: 0.4, .cl: 0.3])
    #expect(variability.label == "CL 0.3, CLM 0.4")
    // Its stream is neither a standard one's nor another name's.
    #expect(clm.stream > 7 && clm.stream != PopulationParameter(rawValue: "VM").stream)
    let design = PopulationDesign(
      model: scenario.subject.definition, variability: variability, covariates: .fixed(scenario.patient), seed: 21)
    let n = 4000
    var etas: [Double] = []
    for index in 1...n {
      let subject = try design.subject(index)
      let value = subject.values[try #require(scenario.subject.definition.parameters.firstIndex { $0.name == "CLM" })]
      etas.append(log(value / 0.5))
    }
    let mean = etas.reduce(0, +) / Double(n)
    let sd = (etas.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
    #expect(abs(mean) < 4 * 0.4 / Double(n).squareRoot(), "mean eta \(mean)")
    #expect(abs(sd / 0.4 - 1) < 4 / Double(2 * n).squareRoot(), "sd \(sd)")
  }
}

/// Population bands of a metabolite: each time's nk percentiles against the nearest rank of the subjects' own
/// exact nk concentrations, simulated one by one with the general engine.
@Suite struct MetaboliteBandTests {
  @Test func noresketamineBandsAreTheNearestRankOfEachSubjectsExactConcentration() throws {
    var request = ScenarioRequest()
    request.model = "perezruixo2021"
    request.drug = .esketamine
    request.doses = ["0.5 mg/kg over 40 min"]
    request.duration = .hours(8)
    request.step = .minutes(20)
    let scenario = try request.resolve()
    let design = PopulationDesign(
      model: scenario.subject.definition,
      variability: try BetweenSubjectVariability(published: scenario.subject.definition),
      covariates: .fixed(scenario.patient), seed: 21)
    let subjects = 301
    let population = try PopulationSimulation(
      design: design, totalSubjects: subjects, grid: scenario.grid, thresholds: scenario.subject.thresholds,
      percentiles: PercentileList([5, 50, 95]), doses: "esk", threads: 2
    ) { _ in scenario.schedule }
    #expect(population.layout.metabolites == ["nk"])
    let table = BandTable(layout: population.layout)
    #expect(table.columns.suffix(3) == ["nk_p05_ng_per_ml", "nk_p50_ng_per_ml", "nk_p95_ng_per_ml"])
    #expect(!table.columns.contains { $0.hasPrefix("p_nk") })
    // Every subject's exact nk curve, independently of the lanes.
    let times = scenario.grid.times
    var curves: [[Double]] = []
    for index in 1...subjects {
      guard case .general(let structure) = try design.subject(index).individual else {
        Issue.record("perezruixo2021 is a general structure")
        return
      }
      let simulation = ExactSimulation(disposition: GeneralDisposition(structure), schedule: scenario.schedule)
      let nk = try #require(simulation.disposition.observation(Observation.Site(rawValue: "nk")))
      curves.append(simulation.states(at: times).map { nk.nanogramsPerMilliliter($0) })
    }
    var checked = 0
    try population.streamHistograms { index, _, histograms in
      let row = table.row(time: times[index], histograms: histograms)
      let sorted = curves.map { $0[index] }.sorted()
      for (k, percent) in [5.0, 50, 95].enumerated() {
        let exact = PopulationSummary.nearestRank(sorted, percent)
        let band = row[row.count - 3 + k]
        // Histogram quantiles are within 2^-9 relative of the nearest rank.
        #expect(abs(band - exact) <= exact * 0.002 + 1e-12, "t=\(times[index].minutes) p\(percent)")
        checked += 1
      }
    }
    #expect(checked == 3 * times.count)
    #expect(curves.map { $0[6] }.max()! > curves.map { $0[6] }.min()! * 1.5, "the published IIV spreads the subjects")
  }
}
