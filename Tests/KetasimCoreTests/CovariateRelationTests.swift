import Foundation
import Testing

@testable import KetasimCore

// Covariate relations declared in model files: each form's factor, Perez-Ruixo 2021's age effect on hepatic
// blood flow against the published equation, and the file format's refusals.

@Suite("Covariate relations in model files")
struct CovariateRelationTests {
  @Test("each form's factor, and no factor for an age not given")
  func forms() throws {
    let old = try Patient(weightKilograms: 80, ageYears: 70)
    let ageless = try Patient(weightKilograms: 80)
    let power = CovariateRelation(parameter: "CL", covariate: .age, form: .power, reference: 40, coefficient: -0.5)
    #expect(power.factor(for: old) == pow(70.0 / 40, -0.5))
    #expect(power.factor(for: ageless) == nil)
    let linear = CovariateRelation(parameter: "CL", covariate: .weight, form: .linear, reference: 70, coefficient: 0.01)
    #expect(abs(linear.factor(for: old)! - 1.1) < 1e-15)
    let hinge = CovariateRelation(
      parameter: "CL", covariate: .age, form: .linearAbove, reference: 60, coefficient: -0.02)
    #expect(abs(hinge.factor(for: old)! - 0.8) < 1e-15)
    #expect(hinge.factor(for: try Patient(weightKilograms: 80, ageYears: 30)) == 1)
  }

  @Test("Perez-Ruixo 2021: Qh = 151 − 2.19·max(0, AGE − 60) L/h, and nothing changes without an age")
  func perezRuixoHepaticFlow() throws {
    let model = try ModelCatalog.builtIn().model(id: "perezruixo2021")
    let index = try #require(model.parameters.firstIndex { $0.name == "QH" })
    for (age, litresPerHour) in [(30.0, 151.0), (60, 151), (75, 151 - 2.19 * 15), (86, 151 - 2.19 * 26)] {
      let value = model.values(for: try Patient(weightKilograms: 70, ageYears: age))[index]
      #expect(abs(value - litresPerHour / 60) <= 1e-12 * litresPerHour / 60, "age \(age): \(value * 60) L/h")
    }
    let ageless = model.values(for: try Patient(weightKilograms: 70))
    #expect(abs(ageless[index] - 151.0 / 60) <= 1e-12, "no age: the reference patient's")
    // Only QH moves.
    let old = model.values(for: try Patient(weightKilograms: 70, ageYears: 80))
    for k in ageless.indices where k != index { #expect(old[k] == ageless[k], "\(model.parameters[k].name)") }
  }

  @Test(
    "a relation on a parameter the model lacks, an unknown covariate or a form it cannot take is refused with its place"
  )
  func refusals() throws {
    let text = try String(
      contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Models/clements250.yaml").path, encoding: .utf8)
    for (bad, expected) in [
      ("{parameter: XX, covariate: age_years, form: power, reference: 40, coefficient: 1, source: s}", "XX"),
      ("{parameter: k10, covariate: height_cm, form: power, reference: 40, coefficient: 1, source: s}", "height"),
      ("{parameter: k10, covariate: age_years, form: cubic, reference: 40, coefficient: 1, source: s}", "cubic"),
      // The indicator form is a named covariate's; names are upper case; categorical is sex's.
      ("{parameter: k10, covariate: age_years, form: indicator, coefficient: 2, source: s}", "indicator"),
      ("{parameter: k10, covariate: asian, form: indicator, coefficient: 2, source: s}", "asian"),
      ("{parameter: k10, covariate: ASIAN, form: categorical, level: female, coefficient: 2, source: s}", "ASIAN"),
    ] {
      let edited = text.replacingOccurrences(of: "\nvalidity:", with: "\ncovariates:\n  - \(bad)\nvalidity:")
      #expect(edited != text, "the fixture has a validity: section")
      do {
        _ = try ModelDefinition(yaml: edited, file: "edited.yaml")
        Issue.record("accepted \(bad)")
      } catch let error as KetasimError {
        #expect(error.description.contains("edited.yaml"), "\(error.description)")
        #expect(error.description.contains(expected), "\(error.description)")
      }
    }
  }
}

extension CovariateRelationTests {
  @Test("Perez-Ruixo 2021: kel × 0.36 and CLn/F × 0.81 in Asian subjects (ASIAN = 1), nothing else moves")
  func perezRuixoAsian() throws {
    let model = try ModelCatalog.builtIn().model(id: "perezruixo2021")
    let names = model.parameters.map(\.name)
    let reference = model.values(for: try Patient(weightKilograms: 70))
    let asian = model.values(for: try Patient(weightKilograms: 70, covariates: ["ASIAN": 1]))
    #expect(model.values(for: try Patient(weightKilograms: 70, covariates: ["ASIAN": 0])) == reference)
    for (k, name) in names.enumerated() {
      let factor: Double = ["KEL": 0.36, "CLN": 0.81][name] ?? 1
      #expect(abs(asian[k] - factor * reference[k]) <= 1e-15 * reference[k], "\(name)")
    }
    // In a dataset: the ASIAN column, per ID, equals a run with --covariate ASIAN=1.
    let csv = "ID,TIME,AMT,RATE,EVID,ASIAN\n1,0,28,56,1,1\n1,4,0,0,0,1\n2,0,28,56,1,0\n2,4,0,0,0,0\n"
    var request = ScenarioRequest()
    request.model = "perezruixo2021"
    request.drug = .esketamine
    let dataset = try Dataset(csv: csv, file: "asian.csv")
    let simulation = try DatasetSimulation(dataset: dataset, request: request)
    #expect(simulation.unusedColumns.isEmpty, "ASIAN is read")
    let rows = try DatasetSimulationTests.csvRows(try DatasetSimulationTests.output(simulation))
    for (id, flag) in [("1", 1.0), ("2", 0)] {
      var single = request
      single.covariates = ["ASIAN": flag]
      let regimen = try EventTable(csv: csv, file: "asian.csv").regimen(id: id)
      let expected = try DatasetSimulation.plasma(
        try single.resolve([DosingSource(regimen: regimen, isFile: true)]).run(), at: [.hours(4)])[0]
      let got = try #require(rows.last { $0[0] == id }.flatMap { Double($0.last ?? "") })
      #expect(got == expected, "ID \(id)")
    }
    #expect(
      try #require(Double(rows[2].last ?? "")) > (try #require(Double(rows[4].last ?? ""))),
      "slower elimination in the Asian subject")
    let bad = try Dataset(csv: "ID,TIME,AMT,EVID,ASIAN\n1,0,28,1,yes\n", file: "bad.csv")
    do {
      _ = try DatasetSimulationTests.output(try DatasetSimulation(dataset: bad, request: request))
      Issue.record("ASIAN 'yes' accepted")
    } catch let error as KetasimError {
      #expect(error.description.contains("bad.csv:2") && error.description.contains("ASIAN 'yes'"), "\(error)")
    }
  }

  @Test("a named covariate's factor, and none when it is not given")
  func namedCovariate() throws {
    let creatinine = CovariateRelation(
      parameter: "CL", covariate: .named("CRCL"), form: .power, reference: 100, coefficient: 0.5)
    #expect(creatinine.factor(for: try Patient(weightKilograms: 70, covariates: ["CRCL": 25])) == 0.5)
    #expect(creatinine.factor(for: try Patient(weightKilograms: 70)) == nil)
  }
}
