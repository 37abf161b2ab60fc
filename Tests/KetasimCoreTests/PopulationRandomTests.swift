import Foundation
import Testing

@testable import KetasimCore

// The counter-based generator and the normal quantile behind every
// population draw: determinism, distribution, and the published quantiles
// of the standard normal (Abramowitz & Stegun table 26.5).

@Suite("Population random numbers")
struct PopulationRandomTests {

  @Test("a draw depends only on (seed, subject, stream)")
  func drawsArePureFunctions() {
    let a = CounterRandom.bits(seed: 7, subject: 123, stream: 2)
    #expect(a == CounterRandom.bits(seed: 7, subject: 123, stream: 2))
    #expect(a != CounterRandom.bits(seed: 8, subject: 123, stream: 2))
    #expect(a != CounterRandom.bits(seed: 7, subject: 124, stream: 2))
    #expect(a != CounterRandom.bits(seed: 7, subject: 123, stream: 3))
    // Subjects 1…100,000 of one seed and stream never share their bits.
    let bits = Set((1...100_000).map { CounterRandom.bits(seed: 1, subject: UInt64($0), stream: 1) })
    #expect(bits.count == 100_000)
  }

  @Test("uniforms are in (0, 1) and pass a Kolmogorov-Smirnov test at the 1 % level")
  func uniformsAreUniform() {
    let n = 20_000
    let values = (1...n).map { CounterRandom.uniform(seed: 42, subject: UInt64($0), stream: 1) }.sorted()
    #expect(values.first! > 0 && values.last! < 1)
    var d = 0.0
    for (index, value) in values.enumerated() {
      d = max(d, abs(Double(index + 1) / Double(n) - value), abs(value - Double(index) / Double(n)))
    }
    #expect(d < 1.63 / Double(n).squareRoot(), "KS statistic \(d)")
    // Neighbouring streams of one subject are uncorrelated too.
    let pairs = (1...n).map {
      (
        CounterRandom.uniform(seed: 42, subject: UInt64($0), stream: 1),
        CounterRandom.uniform(seed: 42, subject: UInt64($0), stream: 2)
      )
    }
    let correlation = pairs.reduce(0) { $0 + ($1.0 - 0.5) * ($1.1 - 0.5) } / Double(n) * 12
    #expect(abs(correlation) < 4 / Double(n).squareRoot(), "correlation \(correlation)")
  }

  @Test("normal quantile: published values and Φ(Φ⁻¹(p)) = p")
  func normalQuantile() {
    // A&S 26.5 / standard tables.
    #expect(StandardNormal.quantile(0.5) == 0)
    expectClose(StandardNormal.quantile(0.975), 1.959963984540054, rel: 1e-14)
    expectClose(StandardNormal.quantile(0.95), 1.6448536269514722, rel: 1e-14)
    expectClose(StandardNormal.quantile(0.05), -1.6448536269514722, rel: 1e-14)
    expectClose(StandardNormal.quantile(1e-10), -6.361340902404056, rel: 1e-12)
    for p in [1e-300, 1e-12, 0.001, 0.02, 0.024, 0.025, 0.1, 0.3, 0.6, 0.9, 0.97, 0.976, 0.999] {
      expectClose(StandardNormal.cdf(StandardNormal.quantile(p)), p, rel: 1e-13, "p = \(p)")
    }
  }

  @Test("normal draws have mean 0 and variance 1 within Monte Carlo error")
  func normalMoments() {
    let n = 50_000
    let values = (1...n).map { CounterRandom.normal(seed: 2024, subject: UInt64($0), stream: 4) }
    let mean = values.reduce(0, +) / Double(n)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
    #expect(abs(mean) < 4 / Double(n).squareRoot(), "mean \(mean)")
    // Var of the sample variance of a normal is 2/(n−1).
    #expect(abs(variance - 1) < 4 * (2 / Double(n - 1)).squareRoot(), "variance \(variance)")
  }
}

@Suite("Between-subject variability and covariates")
struct VariabilityTests {

  static let catalog = Result { try ModelCatalog.builtIn() }

  @Test("a published CV becomes ω = √ln(1 + CV²), whose log-normal CV is the published one")
  func publishedCoefficientOfVariation() throws {
    let herd = try Self.catalog.get().model(id: "herd2007")
    let variability = try BetweenSubjectVariability(published: herd)
    #expect(variability.source == .published(model: "herd2007"))
    let expected: [PopulationParameter: Double] = [.v1: 0.64, .v2: 0.517, .cl: 0.381, .q2: 0.19]
    #expect(Set(variability.omegas.keys) == Set(expected.keys))
    for (parameter, cv) in expected {
      let omega = try #require(variability.omegas[parameter])
      // The CV of a log-normal with SD ω is √(e^{ω²} − 1).
      expectClose((exp(omega * omega) - 1).squareRoot(), cv, rel: 1e-14, "\(parameter)")
    }
    expectClose(BetweenSubjectVariability.omega(coefficientOfVariation: 0.64), 0.5859231828488936, rel: 1e-15)
  }

  @Test("a model without published variability is refused, never given a default")
  func refusal() throws {
    for id in ["clements250", "domino1984", "kamp2020", "sherwin2015"] {
      let model = try Self.catalog.get().model(id: id)
      #expect(throws: KetasimError.missingVariability(model: id)) { try BetweenSubjectVariability(published: model) }
    }
  }

  @Test("--iiv parsing: names, aliases and errors")
  func parsing() throws {
    let two = try dominoTwoCompartment()
    let parsed = try BetweenSubjectVariability(parsing: "CL=0.3, v1=0.4,Q=0.2,V2=0", for: two)
    #expect(parsed.omegas == [.cl: 0.3, .v1: 0.4, .q2: 0.2, .v2: 0])
    #expect(parsed.source == .given)
    for bad in ["CL", "CL=-1", "CL=3", "CL=x", "V3=0.2", "ke0=0.1", "CL=0.1,CL=0.2", "XX=0.1", ""] {
      #expect(throws: KetasimError.self, "\(bad)") { try BetweenSubjectVariability(parsing: bad, for: two) }
    }
    let withEffect = try dominoThreeCompartment(ke0: 0.2)
    #expect(try BetweenSubjectVariability(parsing: "ke0=0.5,V3=0.1,Q3=0.1", for: withEffect).omegas.count == 3)
  }

  @Test("sampled parameters are log-normal with the requested ω around the typical value")
  func sampledParameters() throws {
    let herd = try Self.catalog.get().model(id: "herd2007")
    let design = PopulationDesign(
      model: herd, variability: try BetweenSubjectVariability(published: herd),
      covariates: .fixed(try Patient(weightKilograms: 30)), seed: 99)
    let typical = try herd.parameters(for: try Patient(weightKilograms: 30))
    let n = 20_000
    let subjects = try (1...n).map { try design.subject($0) }
    for parameter in [PopulationParameter.v1, .cl, .v2, .q2] {
      let omega = design.variability.omegas[parameter]!
      let etas = subjects.map { log($0.parameters![parameter]! / typical[parameter]!) }
      let mean = etas.reduce(0, +) / Double(n)
      let sd = (etas.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
      #expect(abs(mean) < 4 * omega / Double(n).squareRoot(), "\(parameter) mean eta \(mean)")
      #expect(abs(sd / omega - 1) < 4 / Double(2 * n).squareRoot(), "\(parameter) sd \(sd) vs \(omega)")
    }
    // Subject i is the same whoever asks, and eta = 0 gives the typical value exactly.
    #expect(try design.subject(17).parameters == subjects[16].parameters)
    var none = design
    none.variability = BetweenSubjectVariability(omegas: [.cl: 0], source: .given)
    #expect(try none.subject(5).parameters == typical)
  }

  @Test("--weight-sd draws a normal weight truncated to ±2.5 SD")
  func weightSpread() throws {
    let spread = CovariateSpread.normalWeight(try Patient(weightKilograms: 70, ageYears: 40), standardDeviation: 12)
    let n = 20_000
    let weights = try (1...n).map { try spread.patient(subject: $0, seed: 5).weightKilograms }
    #expect(weights.allSatisfy { $0 >= 40 && $0 <= 100 })
    #expect(try spread.patient(subject: 3, seed: 5).ageYears == 40)
    let mean = weights.reduce(0, +) / Double(n)
    let variance = weights.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
    // Truncated normal at ±a: Var = σ²(1 − 2aφ(a)/(2Φ(a) − 1)).
    let a = 2.5
    let phi = exp(-a * a / 2) / (2 * Double.pi).squareRoot()
    let expectedVariance = 144 * (1 - 2 * a * phi / (2 * StandardNormal.cdf(a) - 1))
    #expect(abs(mean - 70) < 4 * expectedVariance.squareRoot() / Double(n).squareRoot(), "mean \(mean)")
    #expect(abs(variance / expectedVariance - 1) < 0.05, "variance \(variance) vs \(expectedVariance)")
    // A spread wider than the mean allows is cut at 1 kg, not below.
    let wide = CovariateSpread.normalWeight(try Patient(weightKilograms: 10), standardDeviation: 8)
    #expect(try (1...2000).allSatisfy { try wide.patient(subject: $0, seed: 1).weightKilograms >= 1 })
  }

  @Test("a patients table: columns by name, rows cycled, errors with the line")
  func patientsTable() throws {
    let table = try CovariateSpread.patientsTable(
      csv: "id,\"age_years\",weight_kg\r\nA,40,80\r\n\"B, second\",12,35.5\r\n", name: "p.csv")
    #expect(
      table
        == .table([try Patient(weightKilograms: 80, ageYears: 40), try Patient(weightKilograms: 35.5, ageYears: 12)]))
    #expect(try table.patient(subject: 3, seed: 0).weightKilograms == 80)
    #expect(try table.patient(subject: 4, seed: 0).weightKilograms == 35.5)
    #expect(table.hasAge)
    let weightOnly = try CovariateSpread.patientsTable(csv: "weight\n60\n", name: "w.csv")
    #expect(!weightOnly.hasAge)
    #expect(
      throws: KetasimError.invalidData(
        "p.csv:1", reason: "no weight column; expected a header with weight_kg (and optionally age_years)")
    ) {
      try CovariateSpread.patientsTable(csv: "age\n3\n", name: "p.csv")
    }
    #expect(throws: KetasimError.invalidData("p.csv:3", reason: "weight 'heavy' is not a number")) {
      try CovariateSpread.patientsTable(csv: "weight_kg\n70\nheavy\n", name: "p.csv")
    }
    #expect(throws: KetasimError.self) { try CovariateSpread.patientsTable(csv: "weight_kg\n-3\n", name: "p.csv") }
    #expect(throws: KetasimError.self) { try CovariateSpread.patientsTable(csv: "weight_kg\n", name: "p.csv") }
  }
}

extension PKParameters {
  /// The value of `parameter` (test helper).
  fileprivate subscript(_ parameter: PopulationParameter) -> Double? { parameter.value(in: self) }
}
