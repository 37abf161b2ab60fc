import Foundation
import Testing

@testable import KetasimCore

// The two shipped S-ketamine + metabolite models (Models/perezruixo2021.yaml, Models/flint2017.yaml): their
// structure against the published derived values (systemic clearance, fraction metabolised, half-lives,
// micro-constants), their typical predictions against an independent 50-digit computation
// (Tests/Fixtures/MetaboliteModels/reference.py writes the matrices from the papers' numbers itself), the
// reference [C] check on the Kamp 2020 escalating esketamine infusion, and the drug / S-fraction rules.

private enum MetaboliteCatalog {
  static func model(_ id: String) throws -> ModelDefinition { try ModelCatalog.builtIn().model(id: id) }

  static func disposition(_ id: String, weight: Double = 70, age: Double? = nil) throws -> GeneralDisposition {
    let patient = try Patient(weightKilograms: weight, ageYears: age)
    guard case .general(let structure) = try model(id).individual(for: patient) else {
      Issue.record("\(id) has a general structure")
      throw CancellationError()
    }
    return try GeneralDisposition(checking: structure, name: id)
  }

  static func scenario(_ request: (inout ScenarioRequest) -> Void) throws -> ExactSimulation<GeneralDisposition> {
    var r = ScenarioRequest()
    request(&r)
    guard case .general(let simulation) = try r.resolve().run() else {
      Issue.record("a metabolite model runs on the general engine")
      throw CancellationError()
    }
    return simulation
  }

  /// reference.csv: model, time, cp, nk (ng/mL).
  static func reference() throws -> [(model: String, time: Double, cp: Double, nk: Double)] {
    let url = ParsingSupport.packageRoot.appendingPathComponent("Tests/Fixtures/MetaboliteModels/reference.csv")
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map { line in
      let f = line.split(separator: ",").map(String.init)
      return (f[0], Double(f[1]) ?? .nan, Double(f[2]) ?? .nan, Double(f[3]) ?? .nan)
    }
  }
}

@Suite struct MetaboliteCatalogTests {
  @Test func perezRuixoReproducesThePublishedDerivedValues() throws {
    let model = try MetaboliteCatalog.model("perezruixo2021")
    #expect(model.isSKetamine && model.structure?.compartments.count == 6)
    let d = try MetaboliteCatalog.disposition("perezruixo2021")
    // Systemic CL = Qh·E = 109.0 L/h (E = CLint/(Qh + CLint), CLint = Vh·(kel + kmet)).
    let clearance = try #require(d.systemicClearance()) * 60
    #expect(abs(clearance - 109.0) < 0.05, "\(clearance) L/h")
    // Fraction metabolised to noresketamine kmet/(kel + kmet) = 0.714.
    let formed = try #require(d.fractionsFormed().first)
    #expect(formed.name == "noresketamine" && abs(formed.fraction - 0.714) < 0.0005, "\(formed)")
    // Noresketamine Vss 185 L (abstract): Vcn/F + Vpn/F.
    let values = Dictionary(
      uniqueKeysWithValues: zip(model.parameters.map(\.name), model.values(for: try Patient(weightKilograms: 70))))
    #expect(values["VCN"]! + values["VPN"]! == 185)
    // Half-lives (h): esketamine 0.12, 0.48, 2.19, 11.0; noresketamine 0.68, 5.75.
    let halfLives = d.stateEigenvalues.map { log(2) / -$0 / 60 }.sorted()
    for (got, published) in zip(halfLives, [0.12, 0.48, 0.68, 2.19, 5.75, 11.0]) {
      #expect(abs(got - published) <= 0.005 * max(1, published), "\(got) vs \(published) h")
    }
  }

  @Test func flintReproducesThePublishedMicroConstantsAndRatio() throws {
    let d = try MetaboliteCatalog.disposition("flint2017")
    let a = d.structure.rateMatrix
    // k10 0.2415, k12 0.4226, k21 0.00599 /min at 70 kg.
    #expect(abs(a[2][0] - 0.2415) < 0.00005 && abs(a[1][0] - 0.4226) < 0.00005 && abs(a[0][1] - 0.00599) < 0.000005)
    // Half-lives: alpha 1.0 min, beta 5.33 h (parent).
    let parent = d.stateEigenvalues.map { log(2) / -$0 }.sorted()
    #expect(parent.contains { abs($0 - 1.0) < 0.05 } && parent.contains { abs($0 / 60 - 5.33) < 0.005 })
    // At steady state S-norketamine / S-ketamine = CL / CLNK = 112 / 53.2 (the whole elimination flux forms it).
    let simulation = ExactSimulation(
      disposition: d,
      schedule: try DosingSchedule([.infusion(milligramsPerMinute: 1, start: .zero, duration: .hours(200))]))
    let state = simulation.states(at: [.hours(199)])[0]
    let ratio = d.observations[1].nanogramsPerMilliliter(state) / d.observations[0].nanogramsPerMilliliter(state)
    expectClose(ratio, 112 / 53.2, rel: 1e-6)
  }

  @Test func typicalPredictionsMatchAnIndependentFiftyDigitComputation() throws {
    let reference = try MetaboliteCatalog.reference()
    #expect(reference.count == 10)
    let perez = try MetaboliteCatalog.scenario {
      $0.model = "perezruixo2021"
      $0.drug = .esketamine
      $0.doses = ["28 mg over 40 min"]
    }
    let flint = try MetaboliteCatalog.scenario {
      $0.model = "flint2017"
      $0.drug = .esketamine
      $0.weightKilograms = 20
      $0.doses = ["0.5 mg/kg/h for 4 h"]
      $0.allowExtreme = true
    }
    for row in reference {
      let simulation = row.model == "flint2017" ? flint : perez
      let state = simulation.states(at: [ClockTime(minutes: row.time)])[0]
      let observations = simulation.disposition.observations
      expectClose(observations[0].nanogramsPerMilliliter(state), row.cp, rel: 1e-9, "\(row.model) cp \(row.time)")
      expectClose(observations[1].nanogramsPerMilliliter(state), row.nk, rel: 1e-9, "\(row.model) nk \(row.time)")
    }
  }

  /// Kamp 2020 escalating esketamine arm (0.14, 0.28, 0.57 mg/kg/h for an hour each, 70 kg): the reference
  /// file's own matrix-exponential check [C] gives Perez-Ruixo S-ketamine 157 ng/mL at 3 h and a noresketamine
  /// peak of 0.58 nmol/mL near 4 h; Flint S-ketamine 173 ng/mL and S-norketamine 364 ng/mL at 3 h.
  @Test func escalatingEsketamineInfusionMatchesTheReferenceCheck() throws {
    func run(_ id: String) throws -> ExactSimulation<GeneralDisposition> {
      try MetaboliteCatalog.scenario {
        $0.model = id
        $0.drug = .esketamine
        $0.doses = ["0.14 mg/kg/h for 1 h then 0.28 mg/kg/h for 1 h then 0.57 mg/kg/h for 1 h"]
        $0.duration = .hours(8)
      }
    }
    let perez = try run("perezruixo2021")
    let atThree = perez.states(at: [.hours(3)])[0]
    #expect(abs(perez.disposition.observations[0].nanogramsPerMilliliter(atThree) - 157) < 1)
    let nk = perez.disposition.observations[2]
    #expect(nk.unit == .nanomolesPerMillilitre)
    let curve = ExactCurve(perez, observation: nk, through: .hours(8))
    let peak = curve.maximum()
    // Printed to two digits from a computation on an output grid (a sampled peak is at most the exact one).
    #expect(peak.value >= 0.575 && peak.value < 0.59, "\(peak)")
    #expect(abs(peak.time / 60 - 4) < 0.5, "\(peak)")
    let flint = try run("flint2017")
    let flintThree = flint.states(at: [.hours(3)])[0]
    #expect(abs(flint.disposition.observations[0].nanogramsPerMilliliter(flintThree) - 173) < 1)
    #expect(abs(flint.disposition.observations[1].nanogramsPerMilliliter(flintThree) - 364) < 1)
  }

  @Test func aRacemicDoseRunsTheStatedSFractionOnly() throws {
    let half = try MetaboliteCatalog.scenario {
      $0.model = "perezruixo2021"
      $0.doses = ["35 mg over 40 min"]
      $0.sFraction = 0.5
    }
    let esketamine = try MetaboliteCatalog.scenario {
      $0.model = "perezruixo2021"
      $0.drug = .esketamine
      $0.doses = ["17.5 mg over 40 min"]
    }
    let times = stride(from: 0.0, through: 600, by: 13).map { ClockTime(minutes: $0) }
    for (a, b) in zip(half.states(at: times), esketamine.states(at: times)) {
      for i in 0..<6 { expectClose(a[i], b[i], rel: 1e-12) }
    }
    // The administered schedule stays the racemic one; the read-out's areas use the S part.
    #expect(half.schedule.totalMilligrams == 35)
    let end = ClockTime.hours(10)
    let a = CurveReadout(half, site: .plasma, through: end, thresholds: [])
    let b = CurveReadout(esketamine, site: .plasma, through: end, thresholds: [])
    expectClose(a.areaUnderCurve, b.areaUnderCurve, rel: 1e-10)
  }

  @Test func theDrugGivenMustFitTheModel() throws {
    func resolve(_ model: String, _ drug: Drug?, _ fraction: Double?) throws {
      var r = ScenarioRequest()
      r.model = model
      r.drug = drug
      r.sFraction = fraction
      _ = try r.resolve()
    }
    // An S-ketamine model with the default racemic drug and no S fraction: refused with the remedy.
    let error = #expect(throws: KetasimError.self) { try resolve("flint2017", nil, nil) }
    #expect(error?.remedy == .stateDrug)
    #expect(throws: KetasimError.self) { try resolve("clements250", .esketamine, nil) }
    #expect(throws: KetasimError.self) { try resolve("clements250", nil, 0.5) }
    #expect(throws: KetasimError.self) { try resolve("flint2017", .esketamine, 0.5) }
    #expect(throws: KetasimError.self) { try resolve("flint2017", nil, 1.5) }
    try resolve("flint2017", .esketamine, nil)
    try resolve("clements250", .racemic, nil)
  }
}
