/// The patient a run is for: the covariates the models use.
public struct Patient: Sendable, Equatable {
  /// Total body weight in kilograms.
  public let weightKilograms: Double
  /// Age in years, when known (used to check a model's validity range).
  public let ageYears: Double?
  /// Sex, when known (used only by a model's categorical covariate relations).
  public let sex: Sex?
  /// The named covariates a model's relations use (`ASIAN`: 0 or 1), by name; empty when none is given.
  public let covariates: [String: Double]

  /// Largest weight accepted (kg): a bound on nonsense, not a clinical limit.
  public static let largestWeight = 1000.0

  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` for a weight
  ///   that is not a positive finite number, or an age that is negative or
  ///   not finite.
  public init(
    weightKilograms: Double, ageYears: Double? = nil, sex: Sex? = nil, covariates: [String: Double] = [:]
  ) throws {
    guard weightKilograms.isFinite, weightKilograms > 0, weightKilograms <= Patient.largestWeight else {
      throw KetasimError.invalidValue(
        "weight", "\(weightKilograms)", accepted: "a positive number of kilograms up to 1000, such as 70")
    }
    if let age = ageYears, !(age.isFinite && age >= 0 && age <= 150) {
      throw KetasimError.invalidValue("age", "\(age)", accepted: "a number of years from 0 to 150")
    }
    self.weightKilograms = weightKilograms
    self.ageYears = ageYears
    self.sex = sex
    self.covariates = covariates
  }
}
