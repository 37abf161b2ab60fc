import Foundation

/// Log-normal between-subject (inter-individual) variability.
///
/// Subject `i`'s value of parameter `P` is `P_i = P·exp(η_i)` with
/// `η_i ~ N(0, ω²)`. `P` is the typical value for the subject's weight. The η of different parameters are
/// independent unless ``correlations`` pairs them: then `η = L·z`, with `z` the parameters' independent
/// standard normals (each from its own stream) and `L` the Cholesky factor of the full block
/// `Ω = D·R·D` (`D` the ω's, `R` the correlations), so that `Cov(η) = Ω` exactly
/// (``BetweenSubjectVariability+Correlations``).
///
/// A published between-subject variability given as a coefficient of
/// variation (`cv_percent` in a model file) is turned into `ω` by matching
/// the CV of the log-normal distribution,
///
/// ```
/// CV² = exp(ω²) − 1   ⇔   ω = √ln(1 + CV²)
/// ```
///
/// (64 % → ω = 0.586; for small CVs ω ≈ CV, the NONMEM convention of
/// reporting `√ω²` as a "CV").
public struct BetweenSubjectVariability: Sendable, Equatable {
  /// Where the omegas came from.
  public enum Source: Sendable, Equatable {
    /// The model file's `iiv` section (CVs converted to ω).
    case published(model: String)
    /// Given by the user (`--iiv`).
    case given
  }

  /// ω per parameter (absent: no variability on that parameter).
  public var omegas: [PopulationParameter: Double]
  /// Correlations of pairs of η (the off-diagonal of the omega block, as correlation coefficients); empty: every
  /// η independent.
  public var correlations: [Correlation] = []
  public var source: Source

  public init(omegas: [PopulationParameter: Double] = [:], source: Source = .given) {
    self.omegas = omegas
    self.source = source
  }

  /// The log-normal ω whose coefficient of variation is `cv` (a fraction,
  /// 0.64 for 64 %): `√ln(1 + cv²)`.
  public static func omega(coefficientOfVariation cv: Double) -> Double {
    log1p(cv * cv).squareRoot()
  }

  /// Largest ω accepted: `exp(±4ω)` already spans a factor of 3000.
  public static let largestOmega = 2.0

  /// The model's published variability.
  ///
  /// - Throws: ``KetasimError/missingVariability(model:)`` when the model
  ///   publishes none (a population run never invents one), and
  ///   ``KetasimError/invalidValue(_:_:accepted:remedy:)`` when it is published on
  ///   a parameter that variability cannot act on (a micro-constant).
  public init(published model: ModelDefinition) throws {
    guard !model.variability.isEmpty else { throw KetasimError.missingVariability(model: model.id) }
    var omegas: [PopulationParameter: Double] = [:]
    for entry in model.variability {
      let parameter = PopulationParameter(rawValue: entry.parameter)
      // A general structure's parameters are all open to variability; a mammillary model's standard ones.
      guard model.structure != nil || PopulationParameter.standard.contains(parameter) else {
        throw KetasimError.invalidValue(
          "published variability of \(model.id)", entry.parameter,
          accepted: "variability on V1, CL, V2, Q2, V3, Q3 or ke0", remedy: .giveVariability)
      }
      omegas[parameter] = BetweenSubjectVariability.omega(
        coefficientOfVariation: entry.coefficientOfVariationPercent / 100)
    }
    self.init(omegas: omegas, source: .published(model: model.id))
    correlations = model.variabilityCorrelations.map {
      Correlation(
        PopulationParameter(rawValue: $0.between.0), PopulationParameter(rawValue: $0.between.1),
        coefficient: $0.coefficient)
    }
    try checkCorrelations(option: "published variability of \(model.id)")
  }

  /// Parses `NAME=OMEGA[,NAME=OMEGA…]`, such as `CL=0.3,V1=0.4,Q=0.2`.
  ///
  /// Names are those of ``PopulationParameter`` (case-insensitive; `Q` is
  /// `Q2`); each ω is the standard deviation of η, from 0 (none) to
  /// ``largestOmega``.
  ///
  /// - Parameter parameters: a typical subject's parameters, to check that
  ///   the model has every parameter named.
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` naming the bad
  ///   part.
  public init(parsing text: String, for parameters: PKParameters) throws {
    try self.init(parsing: text, available: PopulationParameter.standard.filter { $0.value(in: parameters) != nil })
  }

  /// Parses `NAME=OMEGA[,NAME=OMEGA…]` for a model that has the parameters `available`
  /// (``PopulationDesign/variableParameters(typical:)``).
  public init(parsing text: String, available: [PopulationParameter]) throws {
    let names = available.map(\.rawValue)
    let accepted =
      "NAME=OMEGA pairs separated by commas, such as CL=0.3,V1=0.4, with NAME one of "
      + names.joined(separator: ", ") + " and OMEGA from 0 to \(BetweenSubjectVariability.largestOmega)"
    var omegas: [PopulationParameter: Double] = [:]
    var correlations: [Correlation] = []
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    for part in parts {
      if part.contains("~") {
        correlations.append(try Correlation(parsing: String(part), available: available))
        continue
      }
      let pair = part.split(separator: "=", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard pair.count == 2,
        let parameter = PopulationParameter(name: pair[0]).flatMap({ available.contains($0) ? $0 : nil })
          ?? available.first(where: { $0.rawValue.lowercased() == pair[0].lowercased() })
          ?? PopulationParameter(name: pair[0])
      else {
        throw KetasimError.invalidValue("iiv", String(part), accepted: accepted)
      }
      guard available.contains(parameter) else {
        throw KetasimError.invalidValue(
          "iiv", String(part), accepted: "a parameter this model has (\(names.joined(separator: ", ")))")
      }
      guard let omega = Double(pair[1]), omega.isFinite, omega >= 0, omega <= BetweenSubjectVariability.largestOmega
      else {
        throw KetasimError.invalidValue("iiv", String(part), accepted: accepted)
      }
      guard omegas[parameter] == nil else {
        throw KetasimError.invalidValue("iiv", text, accepted: "each parameter at most once")
      }
      omegas[parameter] = omega
    }
    self.init(omegas: omegas, source: .given)
    self.correlations = correlations
    try checkCorrelations(option: "iiv")
  }

  /// `V1 0.586, CL 0.368, …` in parameter order (the standard ones, then a model's own by name), for
  /// summaries.
  public var label: String {
    (parameters.compactMap { parameter in
      omegas[parameter].map { "\(parameter.rawValue) \(String(format: "%.3g", $0))" }
    } + correlations.map { "r(\($0.first.rawValue),\($0.second.rawValue)) \(String(format: "%.3g", $0.coefficient))" })
    .joined(separator: ", ")
  }

  /// The parameters with an ω: the standard ones in their order, then the others sorted by name.
  public var parameters: [PopulationParameter] {
    PopulationParameter.standard.filter { omegas[$0] != nil }
      + omegas.keys.filter { !PopulationParameter.standard.contains($0) }.sorted { $0.rawValue < $1.rawValue }
  }

  /// The factors `exp(η)` of subject `subject` (1-based) under `seed`.
  public func factors(seed: UInt64, subject: Int) -> [PopulationParameter: Double] {
    if !correlations.isEmpty { return correlatedFactors(seed: seed, subject: subject) }
    return Dictionary(uniqueKeysWithValues: factorList(seed: seed, subject: subject).pairs)
  }

  /// ``factors(seed:subject:)`` as a list: what drawing a subject looks its factors up in, without hashing a
  /// parameter's name per lookup or building a dictionary per subject.
  func factorList(seed: UInt64, subject: Int) -> FactorList {
    if !correlations.isEmpty { return FactorList(pairs: correlatedFactors(seed: seed, subject: subject).map { $0 }) }
    var pairs: [(key: PopulationParameter, value: Double)] = []
    pairs.reserveCapacity(omegas.count)
    for (parameter, omega) in omegas where omega > 0 {
      let eta = omega * CounterRandom.normal(seed: seed, subject: UInt64(subject), stream: parameter.stream)
      pairs.append((parameter, exp(eta)))
    }
    return FactorList(pairs: pairs)
  }

  /// One subject's factors `exp(η)`, a few pairs looked up by parameter.
  struct FactorList {
    let pairs: [(key: PopulationParameter, value: Double)]

    /// The factor of `parameter`, nil when it has no variability.
    subscript(parameter: PopulationParameter) -> Double? {
      for pair in pairs where pair.key == parameter { return pair.value }
      return nil
    }
  }
}
