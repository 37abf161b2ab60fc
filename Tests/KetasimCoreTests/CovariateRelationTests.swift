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

  @Test("a relation on a parameter the model lacks, an unknown covariate or form is refused with its place")
  func refusals() throws {
    let text = try String(
      contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Models/clements250.yaml").path, encoding: .utf8)
    for (bad, expected) in [
      ("{parameter: XX, covariate: age_years, form: power, reference: 40, coefficient: 1, source: s}", "XX"),
      ("{parameter: k10, covariate: height_cm, form: power, reference: 40, coefficient: 1, source: s}", "height"),
      ("{parameter: k10, covariate: age_years, form: cubic, reference: 40, coefficient: 1, source: s}", "cubic"),
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
