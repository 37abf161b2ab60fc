import Foundation

extension BetweenSubjectVariability {
  /// The correlation of the η of two parameters: one off-diagonal element of the omega block, as a correlation
  /// coefficient `r = ω₁₂ / (ω₁·ω₂)`.
  public struct Correlation: Sendable, Equatable {
    public var first: PopulationParameter
    public var second: PopulationParameter
    /// In (−1, 1).
    public var coefficient: Double

    public init(_ first: PopulationParameter, _ second: PopulationParameter, coefficient: Double) {
      self.first = first
      self.second = second
      self.coefficient = coefficient
    }

    /// Parses `A~B=R`, such as `CL~V1=0.5`, for a model that has the parameters `available`.
    ///
    /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` for an unknown name, a parameter paired with
    ///   itself, or `R` outside (−1, 1).
    public init(parsing text: String, available: [PopulationParameter]) throws {
      let accepted =
        "A~B=R, the correlation of two parameters' etas, such as CL~V1=0.5, with R between -1 and 1 (exclusive) "
        + "and A, B among " + available.map(\.rawValue).joined(separator: ", ")
      let sides = text.split(separator: "=", omittingEmptySubsequences: false)
      let names = sides.first?.split(separator: "~", omittingEmptySubsequences: false) ?? []
      func parameter(_ name: Substring) -> PopulationParameter? {
        let name = name.trimmingCharacters(in: .whitespaces)
        return available.first { $0.rawValue.lowercased() == name.lowercased() }
          ?? PopulationParameter(name: name).flatMap { available.contains($0) ? $0 : nil }
      }
      guard sides.count == 2, names.count == 2, let a = parameter(names[0]), let b = parameter(names[1]), a != b,
        let r = Double(sides[1].trimmingCharacters(in: .whitespaces)), r > -1, r < 1
      else { throw KetasimError.invalidValue("iiv", text, accepted: accepted) }
      self.init(a, b, coefficient: r)
    }
  }

  /// Checks the correlations: each pair's parameters have an ω > 0, no pair twice, and the omega block is
  /// positive definite.
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` naming `option`.
  public func checkCorrelations(option: String) throws {
    var seen: Set<[String]> = []
    for correlation in correlations {
      let pair = [correlation.first.rawValue, correlation.second.rawValue].sorted()
      let text = "\(correlation.first.rawValue)~\(correlation.second.rawValue)=\(correlation.coefficient)"
      guard (omegas[correlation.first] ?? 0) > 0, (omegas[correlation.second] ?? 0) > 0 else {
        throw KetasimError.invalidValue(option, text, accepted: "a correlation of two parameters that both vary")
      }
      guard seen.insert(pair).inserted else {
        throw KetasimError.invalidValue(option, text, accepted: "each pair of parameters at most once")
      }
    }
    guard choleskyFactor() != nil else {
      throw KetasimError.invalidValue(
        option,
        correlations.map { "\($0.first.rawValue)~\($0.second.rawValue)=\($0.coefficient)" }
          .joined(separator: ","),
        accepted: "correlations that make a valid (positive definite) omega block")
    }
  }

  /// The varying parameters (ω > 0) in ``parameters``' order, and the lower Cholesky factor `L` of their omega
  /// block (`L·Lᵀ = Ω`); nil when the block is not positive definite.
  func choleskyFactor() -> (parameters: [PopulationParameter], factor: [[Double]])? {
    let varying = parameters.filter { (omegas[$0] ?? 0) > 0 }
    let n = varying.count
    var omega = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n { omega[i][i] = pow(omegas[varying[i]]!, 2) }
    for correlation in correlations {
      guard let i = varying.firstIndex(of: correlation.first), let j = varying.firstIndex(of: correlation.second)
      else { return nil }
      let covariance = correlation.coefficient * omegas[varying[i]]! * omegas[varying[j]]!
      omega[i][j] = covariance
      omega[j][i] = covariance
    }
    var factor = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
      for j in 0...i {
        var sum = omega[i][j]
        for k in 0..<j { sum -= factor[i][k] * factor[j][k] }
        if i == j {
          guard sum > 0 else { return nil }
          factor[i][i] = sum.squareRoot()
        } else {
          factor[i][j] = sum / factor[j][j]
        }
      }
    }
    return (varying, factor)
  }

  /// ``factors(seed:subject:)`` with correlations: `η = L·z`.
  func correlatedFactors(seed: UInt64, subject: Int) -> [PopulationParameter: Double] {
    guard let (varying, factor) = choleskyFactor() else {
      preconditionFailure("correlations were checked when the variability was made")
    }
    let z = varying.map { CounterRandom.normal(seed: seed, subject: UInt64(subject), stream: $0.stream) }
    var result: [PopulationParameter: Double] = [:]
    for (i, parameter) in varying.enumerated() {
      var eta = 0.0
      for k in 0...i { eta += factor[i][k] * z[k] }
      result[parameter] = exp(eta)
    }
    return result
  }
}
