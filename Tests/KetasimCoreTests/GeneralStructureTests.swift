import Foundation
import Testing

@testable import KetasimCore

// The general compartment path (CompartmentStructure, GeneralDisposition) against the mammillary closed forms
// of Disposition, against a 50-digit mpmath reference for a metabolite model (Tests/Fixtures/GeneralStructure),
// against closed forms for a defective (repeated-eigenvalue) chain, and against mass balance.

private enum GeneralFixture {
  static let directory = ParsingSupport.packageRoot.appendingPathComponent("Tests/Fixtures/GeneralStructure")

  static func metaboliteStructure() throws -> CompartmentStructure {
    let url = directory.appendingPathComponent("metabolite_2cmt_1cmt.yaml")
    return try CompartmentStructure(yaml: String(contentsOf: url, encoding: .utf8), file: url.lastPathComponent)
  }

  /// Rows of metabolite_reference.csv: time and six reference values.
  static func reference() throws -> [[Double]] {
    let url = directory.appendingPathComponent("metabolite_reference.csv")
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
    return lines.map { line in line.split(separator: ",").map { Double(String($0)) ?? .nan } }
  }

  /// The fixture's regimen: 50 mg bolus at 0, 2 mg/min on [10, 40) min; state at each of `times` (ascending).
  static func simulate(
    _ disposition: GeneralDisposition, method: Propagation.Method, times: [Double]
  ) throws -> [[Double]] {
    var state = [Double](repeating: 0, count: disposition.structure.count)
    state[disposition.structure.inputCompartment] = 50
    var now = 0.0
    var result: [[Double]] = []
    for t in times {
      for edge in [10.0, 40.0, t] where edge > now && edge <= t {
        let rate = now >= 10 && now < 40 ? 2.0 : 0.0
        let step = try #require(disposition.propagation(overMinutes: edge - now, method: method))
        state = step.apply(to: state, rate: rate)
        now = edge
      }
      result.append(state)
    }
    return result
  }
}

@Suite struct GeneralStructureTests {
  static let spans: [Double] = [0.05, 1, 7.3, 60, 600]

  @Test(arguments: [Propagation.Method.eigenDecomposition, .pade])
  func generalPathMatchesClosedFormForEveryShippedModel(method: Propagation.Method) throws {
    let catalog = try ModelCatalog.builtIn()
    #expect(catalog.models.count >= 6)
    for model in catalog.models where model.structure == nil {
      let p = try model.parameters(for: Patient(weightKilograms: 70), ke0Override: model.effectSite == nil ? 0.2 : nil)
      let closed = Disposition(p)
      let general = GeneralDisposition(CompartmentStructure(mammillary: p))
      #expect(general.automaticMethod == .eigenDecomposition, "\(model.id)")
      let n = p.stateCount
      let effect = closed.effectSiteIndex
      let v1 = p.centralVolume
      for h in Self.spans {
        let exact = closed.transition(overMinutes: h)
        let step = try #require(general.propagation(overMinutes: h, method: method))
        // Undo the effect-site scaling: the general state is V1·Ce, the closed form's Ce.
        func scale(_ i: Int, _ j: Int) -> Double {
          (i == effect ? 1 / v1 : 1) * (j == effect ? v1 : 1)
        }
        var largest = 0.0
        for i in 0..<n { for j in 0..<n { largest = max(largest, abs(exact.phi(i, j))) } }
        for i in 0..<n {
          for j in 0..<n {
            expectClose(
              step.phi[i][j] * scale(i, j), exact.phi(i, j), rel: 1e-12, abs: 1e-15 * largest,
              "\(model.id) \(method) h=\(h) Φ[\(i)][\(j)]")
          }
          let gamma = step.gamma[i] * (i == effect ? 1 / v1 : 1)
          expectClose(gamma, exact.input[i], rel: 1e-12, abs: 1e-15 * h, "\(model.id) \(method) h=\(h) Γ[\(i)]")
        }
      }
    }
  }

  @Test(arguments: [Propagation.Method.eigenDecomposition, .pade])
  func metaboliteModelMatchesFiftyDigitReference(method: Propagation.Method) throws {
    let structure = try GeneralFixture.metaboliteStructure()
    #expect(structure.count == 3)
    #expect(
      structure.observations.map(\.unit) == [.nanogramsPerMillilitre, .nanogramsPerMillilitre, .nanomolesPerMillilitre])
    let disposition = GeneralDisposition(structure)
    #expect(disposition.automaticMethod == .eigenDecomposition)
    let reference = try GeneralFixture.reference()
    #expect(reference.count == 9)
    let states = try GeneralFixture.simulate(disposition, method: method, times: reference.map { $0[0] })
    for (row, state) in zip(reference, states) {
      let observed = disposition.observe(state)
      let got = state + observed
      let expected = Array(row.dropFirst())
      #expect(got.count == expected.count)
      for (k, (a, b)) in zip(got, expected).enumerated() {
        expectClose(a, b, rel: 1e-9, "\(method) t=\(row[0]) column \(k + 1)")
      }
    }
  }

  /// A chain parent → metabolite with equal rates `k` is defective.
  ///
  /// A = [[−k, 0], [k, −k]] has one eigenvector for the double eigenvalue −k, so the eigen-decomposition must be
  /// refused and Padé used. Closed forms:
  /// x₁ = e^{−kt}, x₂ = k·t·e^{−kt} after a unit bolus; Γ₁ = (1 − e^{−kh})/k, Γ₂ = (1 − e^{−kh}(1 + kh))/k.
  @Test(arguments: [0.01, 0.3, 2.5])
  func defectiveChainHandsOverToPadeAndMatchesRepeatedRootClosedForm(k: Double) throws {
    let structure = try CompartmentStructure(
      compartments: ["parent", "metabolite"], flows: [.init(from: 0, to: 1, rate: k)], elimination: [0, k],
      inputCompartment: 0,
      observations: [.init(name: "metabolite", compartment: 1, volume: 10, unit: .nanogramsPerMillilitre)])
    let disposition = GeneralDisposition(structure)
    #expect(disposition.automaticMethod == .pade)
    #expect(disposition.propagation(overMinutes: 1, method: .eigenDecomposition) == nil)
    for h in [0.1, 1.0, 17.3, 240.0] {
      let step = disposition.propagation(overMinutes: h)
      #expect(step.method == .pade)
      let decay = exp(-k * h)
      // Normwise accuracy: an absolute floor of 10⁻¹⁶ (‖Φ‖ ≤ 1) for entries that decay below it.
      expectClose(step.phi[0][0], decay, rel: 1e-13, abs: 1e-16)
      expectClose(step.phi[1][0], k * h * decay, rel: 1e-13, abs: 1e-16)
      expectClose(step.phi[1][1], decay, rel: 1e-13, abs: 1e-16)
      #expect(step.phi[0][1] == 0)
      expectClose(step.gamma[0], -expm1(-k * h) / k, rel: 1e-13, abs: 1e-16 * h)
      expectClose(step.gamma[1], (-expm1(-k * h) - k * h * decay) / k, rel: 1e-11, abs: 1e-16 * h)
    }
  }

  /// A cycle 0 → 1 → 2 → 0 has complex eigenvalues: Padé, checked against the Float80 Metzler exponential.
  @Test func complexSpectrumUsesPadeAndMatchesExtendedPrecisionExponential() throws {
    let structure = try CompartmentStructure(
      compartments: ["a", "b", "c"],
      flows: [.init(from: 0, to: 1, rate: 1), .init(from: 1, to: 2, rate: 1), .init(from: 2, to: 0, rate: 1)],
      elimination: [0.05, 0, 0], inputCompartment: 0, observations: [])
    let disposition = GeneralDisposition(structure)
    #expect(disposition.automaticMethod == .pade)
    let a = structure.rateMatrix
    for h in [0.2, 3.0, 45.0] {
      let step = disposition.propagation(overMinutes: h)
      var augmented = WideMatrix(repeating: [Wide](repeating: 0, count: 4), count: 4)
      for i in 0..<3 {
        for j in 0..<3 { augmented[i][j] = Wide(a[i][j] * h) }
      }
      augmented[0][3] = Wide(h)
      let e = metzlerExponential(augmented)
      for i in 0..<3 {
        for j in 0..<3 { expectClose(step.phi[i][j], Double(e[i][j]), rel: 1e-12, "h=\(h) Φ[\(i)][\(j)]") }
        expectClose(step.gamma[i], Double(e[i][3]), rel: 1e-12, "h=\(h) Γ[\(i)]")
      }
    }
  }

  /// Sinks for the parent's own elimination and the metabolite's elimination make a closed system: the total
  /// equals the amount given, and the metabolite formed (metabolite + its sink) is fm/(1 − fm) times the
  /// parent's non-metabolic elimination.
  @Test(arguments: [Propagation.Method.eigenDecomposition, .pade])
  func metaboliteModelConservesMass(method: Propagation.Method) throws {
    let open = try GeneralFixture.metaboliteStructure()
    let fm = 0.8
    var flows = open.flows
    flows.append(.init(from: 0, to: 3, rate: open.elimination[0]))
    flows.append(.init(from: 2, to: 4, rate: open.elimination[2]))
    let closed = try CompartmentStructure(
      compartments: open.compartments + ["parent eliminated", "metabolite eliminated"], flows: flows,
      elimination: [0, 0, 0, 0, 0], inputCompartment: 0, observations: open.observations)
    let disposition = GeneralDisposition(closed)
    #expect(disposition.automaticMethod == .eigenDecomposition)
    let times = [0.7, 10, 25.5, 40, 100, 1000, 10_000]
    let states = try GeneralFixture.simulate(disposition, method: method, times: times)
    for (t, x) in zip(times, states) {
      let given = 50 + 2 * min(max(t - 10, 0), 30)
      expectClose(x.reduce(0, +), given, rel: 1e-12, "\(method) t=\(t) total")
      expectClose(x[2] + x[4], fm / (1 - fm) * x[3], rel: 1e-11, "\(method) t=\(t) formation")
    }
    #expect(states[states.count - 1][0] < 1e-9)
  }

  @Test func validationRejectsBadStructures() {
    let observation = CompartmentStructure.Output(
      name: "c", compartment: 0, volume: 1, unit: .nanogramsPerMillilitre)
    func make(
      _ names: [String] = ["a", "b"], flows: [CompartmentStructure.Flow] = [], elimination: [Double] = [1, 0],
      input: Int = 0, observations: [CompartmentStructure.Output]? = nil
    ) throws -> CompartmentStructure {
      try CompartmentStructure(
        compartments: names, flows: flows, elimination: elimination, inputCompartment: input,
        observations: observations ?? [observation])
    }
    #expect(throws: Never.self) { try make() }
    #expect(throws: KetasimError.self) { try make([]) }
    #expect(throws: KetasimError.self) {
      try make((0..<17).map { "c\($0)" }, elimination: Array(repeating: 0, count: 17))
    }
    #expect(throws: KetasimError.self) { try make(["a", "a"]) }
    #expect(throws: KetasimError.self) { try make(flows: [.init(from: 0, to: 1, rate: -0.1)]) }
    #expect(throws: KetasimError.self) { try make(flows: [.init(from: 0, to: 2, rate: 0.1)]) }
    #expect(throws: KetasimError.self) { try make(flows: [.init(from: 1, to: 1, rate: 0.1)]) }
    #expect(throws: KetasimError.self) { try make(flows: [.init(from: 0, to: 1, rate: .infinity)]) }
    #expect(throws: KetasimError.self) { try make(elimination: [-1, 0]) }
    #expect(throws: KetasimError.self) { try make(elimination: [1]) }
    #expect(throws: KetasimError.self) { try make(input: 2) }
    #expect(throws: KetasimError.self) {
      try make(observations: [.init(name: "m", compartment: 1, volume: 1, unit: .nanomolesPerMillilitre)])
    }
    #expect(throws: KetasimError.self) {
      try make(observations: [.init(name: "m", compartment: 1, volume: 0, unit: .nanogramsPerMillilitre)])
    }
    #expect(throws: KetasimError.self) { try CompartmentStructure.formation(from: 0, to: 1, rate: 1, fraction: 1.5) }
  }

  @Test func structureFileErrorsNameTheirLocation() throws {
    let url = GeneralFixture.directory.appendingPathComponent("metabolite_2cmt_1cmt.yaml")
    let text = try String(contentsOf: url, encoding: .utf8)
    let cases = [
      text.replacingOccurrences(of: "{from: peripheral, to: central", with: "{from: liver, to: central"),
      text.replacingOccurrences(of: "fraction: 0.8", with: "fraction: 1.8"),
      text.replacingOccurrences(of: ", molar_mass_g_per_mol: 223.7", with: ""),
      text.replacingOccurrences(of: "unit: ng/mL}", with: "unit: mg/dL}"),
      text.replacingOccurrences(of: "rate_per_min: 0.075", with: "rate_per_min: -0.075"),
      text.replacingOccurrences(of: "  input: central", with: "  inlet: central"),
    ]
    for broken in cases {
      #expect(broken != text)
      #expect {
        try CompartmentStructure(yaml: broken, file: "test.yaml")
      } throws: { error in
        guard let error = error as? KetasimError, case .invalidData = error.problem else { return false }
        return error.origin?.description.hasPrefix("test.yaml:") == true
      }
    }
  }

  @Test func shippedModelFilesStillLoadAndMapToMammillaryStructures() throws {
    for model in try ModelCatalog.builtIn().models where model.structure == nil {
      let p = try model.parameters(for: Patient(weightKilograms: 70))
      let structure = CompartmentStructure(mammillary: p)
      #expect(structure.count == p.stateCount)
      let a = structure.rateMatrix
      expectClose(-a[0][0], p.k10 + p.distributionRates.reduce(0) { $0 + $1.outOfCentral }, rel: 1e-15)
      #expect(structure.observations.first?.name == "cp")
      expectClose(structure.observations[0].scale, 1000 / p.centralVolume, rel: 1e-15)
    }
  }
}
