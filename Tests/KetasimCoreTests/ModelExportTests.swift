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
    let pattern = try NSRegularExpression(pattern: #"\b([A-Z][A-Z0-9]*)\s*(?:=|<-)\s*([0-9][0-9.eE+-]*)"#)
    let range = NSRange(code.startIndex..., in: code)
    for match in pattern.matches(in: code, range: range) {
      let name = String(code[Range(match.range(at: 1), in: code)!])
      values[name] = Double(code[Range(match.range(at: 2), in: code)!])
    }
    return values
  }

  /// The right-hand sides `state: [(sign, numerator, denominator, state)]` of lines like
  /// `dxdt_CENT = -(CL/V1)*CENT + (Q2/V2)*P1;` or `d/dt(CENT) = ...`.
  static func equations(_ code: String) throws -> [String: [(Double, String, String, String)]] {
    var result: [String: [(Double, String, String, String)]] = [:]
    let line = try NSRegularExpression(pattern: #"(?:dxdt_([A-Z0-9]+)|d/dt\(([A-Z0-9]+)\))\s*=\s*([^;\n]+)"#)
    let term = try NSRegularExpression(pattern: #"([+-]?)\s*\(([A-Z0-9]+)/([A-Z0-9]+)\)\*([A-Z0-9]+)"#)
    for match in line.matches(in: code, range: NSRange(code.startIndex..., in: code)) {
      let state = [1, 2].compactMap { Range(match.range(at: $0), in: code).map { String(code[$0]) } }.first!
      let rhs = String(code[Range(match.range(at: 3), in: code)!])
      result[state] = term.matches(in: rhs, range: NSRange(rhs.startIndex..., in: rhs)).map { t in
        func group(_ k: Int) -> String { String(rhs[Range(t.range(at: k), in: rhs)!]) }
        return (group(1) == "-" ? -1 : 1, group(2), group(3), group(4))
      }
    }
    return result
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
    func derivative(_ x: [String: Double], rate: Double) throws -> [String: Double] {
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
    var x = Dictionary(uniqueKeysWithValues: states.map { ($0, 0.0) })
    let h = 0.01
    var checked: [(Double, Double)] = []
    for step in 0..<12_000 {
      let t = Double(step) * h
      let rate = t < 40 - 1e-9 ? 35.0 / 40 : 0
      func add(_ a: [String: Double], _ b: [String: Double], _ f: Double) -> [String: Double] {
        a.merging(b.mapValues { $0 * f }) { $0 + $1 }
      }
      let k1 = try derivative(x, rate: rate)
      let k2 = try derivative(add(x, k1, h / 2), rate: rate)
      let k3 = try derivative(add(x, k2, h / 2), rate: rate)
      let k4 = try derivative(add(x, k3, h), rate: rate)
      for state in states { x[state]! += h / 6 * (k1[state]! + 2 * k2[state]! + 2 * k3[state]! + k4[state]!) }
      if (step + 1) % 1500 == 0 { checked.append((t + h, x["CENT"]! / values["V1"]! * 1000)) }
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

  @Test("a model with a metabolite structure is refused in one line")
  func generalStructureRefused() throws {
    let model = try ModelCatalog.builtIn().model(id: "perezruixo2021")
    #expect(throws: KetasimError.self) { try ModelExport(model: model, patient: try Patient(weightKilograms: 70)) }
  }
}
