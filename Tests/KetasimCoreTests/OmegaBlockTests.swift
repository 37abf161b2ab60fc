import Foundation
import Testing

@testable import KetasimCore

// Omega blocks: correlated etas η = L·z must have the covariance Ω = D·R·D (checked against the closed-form
// moments within 4 standard errors), leave uncorrelated draws as they were, and refuse blocks that are not
// valid. Flint 2017's published CL/CLNK correlation is applied.

@Suite("Omega blocks (correlated between-subject variability)")
struct OmegaBlockTests {
  /// The etas of subjects 1...n.
  static func etas(_ variability: BetweenSubjectVariability, seed: UInt64, subjects n: Int)
    -> [[PopulationParameter: Double]]
  {
    (1...n).map { variability.factors(seed: seed, subject: $0).mapValues { log($0) } }
  }

  @Test("the sample covariance of the etas is the omega block within 4 standard errors")
  func covarianceMatchesTheBlock() throws {
    let available = PopulationParameter.standard
    let variability = try BetweenSubjectVariability(
      parsing: "CL=0.3,V1=0.4,Q2=0.25,CL~V1=0.6,V1~Q2=-0.3", available: available)
    let parameters: [PopulationParameter] = [.v1, .cl, .q2]
    let omega: [PopulationParameter: Double] = [.cl: 0.3, .v1: 0.4, .q2: 0.25]
    func correlation(_ a: PopulationParameter, _ b: PopulationParameter) -> Double {
      if a == b { return 1 }
      let pair = Set([a, b])
      if pair == [.cl, .v1] { return 0.6 }
      if pair == [.v1, .q2] { return -0.3 }
      return 0
    }
    let n = 20_000
    let draws = Self.etas(variability, seed: 11, subjects: n)
    for a in parameters {
      for b in parameters {
        let x = draws.map { $0[a] ?? 0 }
        let y = draws.map { $0[b] ?? 0 }
        let mx = x.reduce(0, +) / Double(n)
        let my = y.reduce(0, +) / Double(n)
        let covariance = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / Double(n - 1)
        let expected = correlation(a, b) * omega[a]! * omega[b]!
        // Var of a sample covariance of normals: (σ_a²σ_b² + σ_ab²)/(n − 1).
        let se = ((omega[a]! * omega[a]! * omega[b]! * omega[b]! + expected * expected) / Double(n - 1)).squareRoot()
        #expect(abs(covariance - expected) < 4 * se, "Cov(η_\(a), η_\(b)) = \(covariance), Ω = \(expected)")
      }
    }
  }

  @Test("without correlations the draws are unchanged; with one, the first parameter of the pair keeps its own")
  func uncorrelatedDrawsUnchanged() throws {
    let plain = BetweenSubjectVariability(omegas: [.cl: 0.3, .v1: 0.4], source: .given)
    var correlated = plain
    correlated.correlations = [.init(.v1, .cl, coefficient: 0.5)]
    for subject in 1...50 {
      let a = plain.factors(seed: 3, subject: subject)
      // ω·z, the draw of every run before omega blocks existed.
      for (parameter, omega) in plain.omegas {
        let z = CounterRandom.normal(seed: 3, subject: UInt64(subject), stream: parameter.stream)
        #expect(a[parameter] == exp(omega * z))
      }
      // V1 comes first in the parameters' order, so L's first row is (ω_V1, 0): V1's eta is its own draw.
      #expect(correlated.factors(seed: 3, subject: subject)[.v1] == a[.v1])
      #expect(correlated.factors(seed: 3, subject: subject)[.cl] != a[.cl])
    }
  }

  @Test("refused: a parameter paired with itself or twice, |r| ≥ 1, a parameter that does not vary, no valid block")
  func refusals() {
    let available = PopulationParameter.standard
    for text in [
      "CL=0.3,V1=0.3,CL~CL=0.5", "CL=0.3,V1=0.3,CL~V1=1", "CL=0.3,V1=0.3,CL~V1=-1.2", "CL=0.3,CL~V2=0.5",
      "CL=0.3,V1=0.3,CL~V1=0.5,V1~CL=0.4", "CL=0.3,V1=0.3,Q2=0.3,CL~V1=0.9,CL~Q2=0.9,V1~Q2=-0.9",
      "CL=0.3,V1=0.3,CL~XX=0.5",
    ] {
      #expect(throws: KetasimError.self, "\(text)") {
        try BetweenSubjectVariability(parsing: text, available: available)
      }
    }
  }

  @Test("Flint 2017's published CL/CLNK correlation (0.506) is applied, and the etas show it")
  func flintCorrelation() throws {
    let model = try ModelCatalog.builtIn().model(id: "flint2017")
    let variability = try BetweenSubjectVariability(published: model)
    #expect(variability.correlations.count == 1)
    #expect(variability.correlations.first?.coefficient == 0.506)
    let clnk = PopulationParameter(rawValue: "CLNK")
    let n = 20_000
    let draws = Self.etas(variability, seed: 5, subjects: n)
    let x = draws.map { $0[.cl] ?? 0 }
    let y = draws.map { $0[clnk] ?? 0 }
    func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
    let (mx, my) = (mean(x), mean(y))
    let sx = (x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) } / Double(n - 1)).squareRoot()
    let sy = (y.reduce(0) { $0 + ($1 - my) * ($1 - my) } / Double(n - 1)).squareRoot()
    let r = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / (Double(n - 1) * sx * sy)
    // The standard error of a sample correlation of normals: (1 − ρ²)/√n.
    #expect(abs(r - 0.506) < 4 * (1 - 0.506 * 0.506) / Double(n).squareRoot(), "r = \(r)")
  }
}
