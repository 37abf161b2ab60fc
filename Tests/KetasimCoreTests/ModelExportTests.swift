import Foundation
import Testing

@testable import KetasimCore

// Model export: the written code must state the model's own typical parameters (every digit) and equations that
// reproduce ketasim's curve. The equations are read back from the exported mrgsolve and rxode2 text (a small reader
// of the linear terms ketasim writes), integrated with a fine classical Runge-Kutta (an independent reference:
// not ketasim's exact solution), and compared with ketasim's closed form.

@Suite("Model export to mrgsolve, rxode2 and NONMEM")
struct ModelExportTests {
  /// `NAME = VALUE` or `NAME <- VALUE` assignments of numbers in `code`.
  static func parameters(_ code: String) throws -> [String: Double] {
    var values: [String: Double] = [:]
    let pattern = try NSRegularExpression(pattern: #"\b([A-Z][A-Z0-9_]*)\s*(?:=|<-)\s*([0-9][0-9.eE+-]*)"#)
    let range = NSRange(code.startIndex..., in: code)
    for match in pattern.matches(in: code, range: range) {
      let name = String(code[Range(match.range(at: 1), in: code)!])
      values[name] = Double(code[Range(match.range(at: 2), in: code)!])
    }
    return values
  }

  /// Each state's derivative line in exported code (`dxdt_X = …;` or `d/dt(X) = …`), as its terms matched by
  /// `term`: each term's capture groups from 1, the first being its sign.
  static func derivativeTerms(_ code: String, term pattern: String) throws -> [String: [[String]]] {
    var result: [String: [[String]]] = [:]
    let line = try NSRegularExpression(pattern: #"(?:dxdt_([A-Z0-9_]+)|d/dt\(([A-Z0-9_]+)\))\s*=\s*([^;\n]+)"#)
    let term = try NSRegularExpression(pattern: pattern)
    for match in line.matches(in: code, range: NSRange(code.startIndex..., in: code)) {
      let state = [1, 2].compactMap { Range(match.range(at: $0), in: code).map { String(code[$0]) } }.first!
      let rhs = String(code[Range(match.range(at: 3), in: code)!])
      result[state] = term.matches(in: rhs, range: NSRange(rhs.startIndex..., in: rhs)).map { t in
        (1..<t.numberOfRanges).map { String(rhs[Range(t.range(at: $0), in: rhs)!]) }
      }
    }
    return result
  }

  /// The right-hand sides `state: [(sign, numerator, denominator, state)]` of lines like
  /// `dxdt_CENT = -(CL/V1)*CENT + (Q2/V2)*P1;` or `d/dt(CENT) = ...`.
  static func equations(_ code: String) throws -> [String: [(Double, String, String, String)]] {
    try derivativeTerms(code, term: #"([+-]?)\s*\(([A-Z0-9]+)/([A-Z0-9]+)\)\*([A-Z0-9]+)"#).mapValues { terms in
      terms.map { ($0[0] == "-" ? -1 : 1, $0[1], $0[2], $0[3]) }
    }
  }

  /// Classical Runge-Kutta from zero amounts with 35 mg over 40 min as the input rate (mg/min): the states every
  /// `every` steps of `step` minutes, with their times.
  static func integrate(
    _ states: [String], step h: Double, steps: Int, every: Int,
    _ derivative: ([String: Double], Double) throws -> [String: Double]
  ) throws -> [(Double, [String: Double])] {
    var x = Dictionary(uniqueKeysWithValues: states.map { ($0, 0.0) })
    var checked: [(Double, [String: Double])] = []
    func add(_ a: [String: Double], _ b: [String: Double], _ f: Double) -> [String: Double] {
      a.merging(b.mapValues { $0 * f }) { $0 + $1 }
    }
    for step in 0..<steps {
      let t = Double(step) * h
      let rate = t < 40 - 1e-9 ? 35.0 / 40 : 0
      let k1 = try derivative(x, rate)
      let k2 = try derivative(add(x, k1, h / 2), rate)
      let k3 = try derivative(add(x, k2, h / 2), rate)
      let k4 = try derivative(add(x, k3, h), rate)
      for state in states { x[state]! += h / 6 * (k1[state]! + 2 * k2[state]! + 2 * k3[state]! + k4[state]!) }
      if (step + 1) % every == 0 { checked.append((t + h, x)) }
    }
    return checked
  }

  @Test(
    "the exported parameters are the model's typical ones, and its equations reproduce ketasim's curve",
    arguments: ["clements250", "domino1984", "hijazi2003"], [ModelExport.Target.mrgsolve, .rxode2])
  func equationsReproduceTheCurve(model id: String, target: ModelExport.Target) throws {
    let model = try ModelCatalog.builtIn().model(id: id)
    let patient = try Patient(weightKilograms: 64)
    let export = try ModelExport(model: model, patient: patient)
    let code = export.code(for: target)
    let values = try Self.parameters(code)
    let typical = try model.parameters(for: patient)
    #expect(values["CL"] == typical.clearance)
    #expect(values["V1"] == typical.centralVolume)
    for (k, peripheral) in typical.peripherals.enumerated() {
      #expect(values["Q\(k + 2)"] == peripheral.clearance)
      #expect(values["V\(k + 2)"] == peripheral.volume)
    }
    let system = try Self.equations(code)
    let states = system.keys.filter { $0 != "CE" }.sorted { $0 == "CENT" ? true : ($1 == "CENT" ? false : $0 < $1) }
    #expect(states.count == typical.peripherals.count + 1)
    // 35 mg over 40 min into CENT, integrated to 120 min by RK4 at 0.01 min.
    func derivative(_ x: [String: Double], _ rate: Double) throws -> [String: Double] {
      var dx: [String: Double] = [:]
      for state in states {
        var sum = state == "CENT" ? rate : 0
        for (sign, numerator, denominator, source) in system[state] ?? [] {
          sum += sign * (try #require(values[numerator])) / (try #require(values[denominator])) * (x[source] ?? 0)
        }
        dx[state] = sum
      }
      return dx
    }
    let checked = try Self.integrate(states, step: 0.01, steps: 12_000, every: 1500, derivative).map {
      ($0.0, $0.1["CENT"]! / values["V1"]! * 1000)
    }
    let simulation = Simulation(
      disposition: Disposition(typical),
      schedule: try DosingSchedule([.infusion(milligramsPerMinute: 35.0 / 40, start: .zero, duration: .minutes(40))]))
    let exact = simulation.centralConcentrations(at: checked.map { ClockTime(minutes: $0.0) }).map { $0 * 1000 }
    for ((time, integrated), reference) in zip(checked, exact) {
      #expect(abs(integrated - reference) <= 1e-7 * reference, "\(id) \(target) at \(time) min")
    }
  }

  @Test("NONMEM: the ADVAN for the compartments, THETAs per hour, every THETA fixed")
  func nonmemControlStream() throws {
    let model = try ModelCatalog.builtIn().model(id: "clements250")
    let patient = try Patient(weightKilograms: 70)
    let code = try ModelExport(model: model, patient: patient).nonmem
    let typical = try model.parameters(for: patient)
    #expect(code.contains("$SUBROUTINES ADVAN3 TRANS4"))
    let thetas = code.split(separator: "\n").filter { $0.contains(") FIX ;") }
    #expect(thetas.count == 4)
    let expected = [
      typical.clearance * 60, typical.centralVolume, typical.peripherals[0].clearance * 60,
      typical.peripherals[0].volume,
    ]
    for (line, value) in zip(thetas, expected) {
      let number = line.split(separator: ",")[1].split(separator: ")")[0].trimmingCharacters(in: .whitespaces)
      #expect(Double(number) == value, "\(line)")
    }
    #expect(code.contains("not a medical device"))
  }

  /// The linear terms `[(sign, constant, state)]` of each state's equation in exported general-structure code
  /// (`dxdt_X = -K_X_Y*X + K_Y_X*Y;` or `d/dt(X) = …`), and each observation `NAME = STATE*FACTOR`.
  static func generalSystem(_ code: String) throws -> (
    equations: [String: [(Double, String, String)]], outputs: [String: (String, Double)]
  ) {
    let equations = try derivativeTerms(code, term: #"([+-]?)\s*(K_[A-Z0-9_]+)\*([A-Z0-9_]+)"#).mapValues { terms in
      terms.map { ($0[0] == "-" ? -1.0 : 1, $0[1], $0[2]) }
    }
    var outputs: [String: (String, Double)] = [:]
    let output = try NSRegularExpression(
      pattern: #"\b([A-Z][A-Z0-9_]*)\s*(?:=|<-)\s*([A-Z][A-Z0-9_]*)\*([0-9][0-9.eE+-]*)"#)
    for match in output.matches(in: code, range: NSRange(code.startIndex..., in: code)) {
      func group(_ k: Int) -> String { String(code[Range(match.range(at: k), in: code)!]) }
      outputs[group(1)] = (group(2), Double(group(3)) ?? .nan)
    }
    return (equations, outputs)
  }

  @Test(
    "a metabolite model's exported equations reproduce ketasim's parent and metabolite curves",
    arguments: ["flint2017", "perezruixo2021"], [ModelExport.Target.mrgsolve, .rxode2])
  func generalStructureReproducesTheCurves(model id: String, target: ModelExport.Target) throws {
    let model = try ModelCatalog.builtIn().model(id: id)
    let patient = try Patient(weightKilograms: 70, ageYears: 72)
    let code = try ModelExport(model: model, patient: patient).code(for: target)
    let values = try Self.parameters(code)
    let (equations, outputs) = try Self.generalSystem(code)
    guard case .general(let structure) = try model.individual(for: patient) else {
      Issue.record("\(id) has a general structure")
      return
    }
    let states = structure.compartments.map { $0.uppercased() }
    #expect(Set(equations.keys) == Set(states))
    #expect(outputs.count == structure.observations.count)
    #expect(code.contains("not a medical device"))
    // 0.5 mg/kg over 40 min into the input compartment, RK4 at 0.005 min to 180 min.
    let input = states[structure.inputCompartment]
    func derivative(_ x: [String: Double], _ rate: Double) throws -> [String: Double] {
      var dx: [String: Double] = [:]
      for state in states {
        var sum = state == input ? rate * structure.inputFraction : 0
        for (sign, constant, source) in equations[state] ?? [] {
          sum += sign * (try #require(values[constant])) * (x[source] ?? 0)
        }
        dx[state] = sum
      }
      return dx
    }
    let checked = try Self.integrate(states, step: 0.005, steps: 36_000, every: 3000, derivative)
    let disposition = try GeneralDisposition(checking: structure, name: id)
    let simulation = ExactSimulation(
      disposition: disposition,
      schedule: try DosingSchedule([.infusion(milligramsPerMinute: 35.0 / 40, start: .zero, duration: .minutes(40))]))
    var exact: [[Double]] = []
    simulation.forEachState(at: checked.map { ClockTime(minutes: $0.0) }) { _, state, _ in
      exact.append(disposition.observe((0..<structure.count).map { state[$0] }))
    }
    let names = structure.observations.map {
      $0.name.uppercased() + ($0.unit == .nanomolesPerMillilitre ? "_NMOL" : "")
    }
    for ((time, amounts), reference) in zip(checked, exact) {
      for (name, value) in zip(names, reference) {
        let (state, factor) = try #require(outputs[name], "\(name) in the code")
        let integrated = (amounts[state] ?? .nan) * factor
        #expect(abs(integrated - value) <= 1e-7 * value, "\(id) \(target) \(name) at \(time) min")
      }
    }
  }

  @Test("NONMEM for a metabolite model: ADVAN13, one DADT per compartment, rate constants per hour")
  func generalStructureNONMEM() throws {
    let model = try ModelCatalog.builtIn().model(id: "perezruixo2021")
    let patient = try Patient(weightKilograms: 70)
    guard case .general(let structure) = try model.individual(for: patient) else { return }
    let general = try ModelExport(model: model, patient: patient).code(for: .nonmem)
    #expect(general.contains("$SUBROUTINES ADVAN13"))
    #expect(general.components(separatedBy: "DADT(").count - 1 == structure.count)
    let thetas = general.split(separator: "\n").filter { $0.contains(") FIX ; KR") }
    let rates = structure.flows.map(\.rate) + structure.elimination.filter { $0 > 0 }
    #expect(thetas.count == rates.count)
    for (line, rate) in zip(thetas, rates) {
      let number = line.split(separator: ",")[1].split(separator: ")")[0].trimmingCharacters(in: .whitespaces)
      #expect(Double(number) == rate * 60, "\(line)")
    }
  }
}
