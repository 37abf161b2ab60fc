import Foundation

/// A published covariate relation: how one parameter's typical value changes with a patient's age or weight beyond
/// the model's own weight scaling (a model file's `covariates:` section).
///
/// Each form multiplies the parameter's value `P` (after weight scaling) by a factor of the covariate `x` and its
/// reference `x₀`:
/// - `power`: `(x/x₀)^θ`;
/// - `linear`: `1 + θ·(x − x₀)`;
/// - `linear_above`: `1 + θ·max(0, x − x₀)` (a hinge: no change up to the reference, as in Perez-Ruixo 2021's
///   hepatic blood flow, `Qh = 151 − 2.19·max(0, AGE − 60)` L/h, θ = −2.19/151 per year).
///
/// A relation on age applies only when the patient's age is given; without it the parameter keeps its typical
/// value (the reference patient's).
public struct CovariateRelation: Sendable, Equatable {
  /// The covariates a relation may use.
  public enum Covariate: String, Sendable, CaseIterable {
    case age = "age_years"
    case weight = "weight_kg"
  }

  /// The forms of the factor.
  public enum Form: String, Sendable, CaseIterable {
    case power
    case linear
    case linearAbove = "linear_above"
  }

  /// The parameter's name in the model file.
  public var parameter: String
  public var covariate: Covariate
  public var form: Form
  /// `x₀`, in the covariate's unit.
  public var reference: Double
  /// θ: the exponent (power), or the fractional change per unit of the covariate (linear forms).
  public var coefficient: Double
  public var source: String
  public var verification: String

  public init(
    parameter: String, covariate: Covariate, form: Form, reference: Double, coefficient: Double, source: String = "",
    verification: String = ""
  ) {
    self.parameter = parameter
    self.covariate = covariate
    self.form = form
    self.reference = reference
    self.coefficient = coefficient
    self.source = source
    self.verification = verification
  }

  /// The factor for `patient`; nil when the covariate is not known (an age not given).
  public func factor(for patient: Patient) -> Double? {
    let x: Double
    switch covariate {
    case .age:
      guard let age = patient.ageYears else { return nil }
      x = age
    case .weight:
      x = patient.weightKilograms
    }
    switch form {
    case .power: return pow(x / reference, coefficient)
    case .linear: return 1 + coefficient * (x - reference)
    case .linearAbove: return 1 + coefficient * max(0, x - reference)
    }
  }
}
