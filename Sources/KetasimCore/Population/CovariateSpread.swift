/// How the covariates (weight, age) vary between the subjects of a
/// population.
public enum CovariateSpread: Sendable, Equatable {
  /// Every subject is this patient.
  case fixed(Patient)
  /// Weight drawn from a normal distribution with mean `patient`'s weight
  /// and standard deviation `standardDeviation` kg, truncated to
  /// ``truncation(mean:standardDeviation:)``; age fixed at `patient`'s.
  case normalWeight(Patient, standardDeviation: Double)
  /// Subject `i` (1-based) is row `(i − 1) mod count` of the table.
  case table([Patient])

  /// The random stream of the weight draw (see ``CounterRandom``).
  public static let weightStream: UInt64 = 16

  /// Lightest and heaviest weight a drawn subject can have (kg).
  public static let weightLimits = 1.0...Patient.largestWeight

  /// Truncation of a drawn weight: the mean ± 2.5 SD (98.8 % of a normal),
  /// intersected with ``weightLimits``.
  ///
  /// The draw is an exact truncated normal by inversion,
  /// `W = μ + σ·Φ⁻¹(Φ(a) + u·(Φ(b) − Φ(a)))` with `a`, `b` the bounds in SD
  /// units: values are never clipped onto a bound, so no probability piles
  /// up there.
  public static func truncation(mean: Double, standardDeviation: Double) -> ClosedRange<Double> {
    let low = max(mean - 2.5 * standardDeviation, weightLimits.lowerBound)
    let high = min(mean + 2.5 * standardDeviation, weightLimits.upperBound)
    return low...high
  }

  /// The covariates of subject `subject` (1-based) under `seed`.
  ///
  /// - Precondition: a non-empty table.
  public func patient(subject: Int, seed: UInt64) throws -> Patient {
    switch self {
    case .fixed(let patient):
      return patient
    case .normalWeight(let patient, let sd):
      let mean = patient.weightKilograms
      let bounds = CovariateSpread.truncation(mean: mean, standardDeviation: sd)
      let low = StandardNormal.cdf((bounds.lowerBound - mean) / sd)
      let high = StandardNormal.cdf((bounds.upperBound - mean) / sd)
      let u = CounterRandom.uniform(seed: seed, subject: UInt64(subject), stream: CovariateSpread.weightStream)
      let p = min(max(low + u * (high - low), Double.leastNormalMagnitude), 1 - 0x1p-53)
      let weight = min(max(mean + sd * StandardNormal.quantile(p), bounds.lowerBound), bounds.upperBound)
      return try Patient(
        weightKilograms: weight, ageYears: patient.ageYears, sex: patient.sex, covariates: patient.covariates)
    case .table(let patients):
      precondition(!patients.isEmpty, "a patients table needs at least one row")
      return patients[(subject - 1) % patients.count]
    }
  }

  /// Whether subjects carry an age.
  public var hasAge: Bool {
    switch self {
    case .fixed(let patient), .normalWeight(let patient, _): return patient.ageYears != nil
    case .table(let patients): return patients.first?.ageYears != nil
    }
  }

  /// A short description for summaries.
  public var label: String {
    switch self {
    case .fixed(let patient): return "\(patient.weightKilograms) kg"
    case .normalWeight(let patient, let sd):
      let bounds = CovariateSpread.truncation(mean: patient.weightKilograms, standardDeviation: sd)
      return "weight \(patient.weightKilograms) SD \(sd) kg, truncated to \(bounds.lowerBound)-\(bounds.upperBound) kg"
    case .table(let patients): return "\(patients.count) patients from a table"
    }
  }
}
