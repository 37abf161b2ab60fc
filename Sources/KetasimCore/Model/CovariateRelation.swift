import Foundation

/// A published covariate relation: how one parameter's typical value changes with a patient's age, weight or sex
/// beyond the model's own weight scaling (a model file's `covariates:` section).
///
/// Each form multiplies the parameter's value `P` (after weight scaling) by a factor of the covariate `x` and its
/// reference `x₀`:
/// - `power`: `(x/x₀)^θ`;
/// - `linear`: `1 + θ·(x − x₀)`;
/// - `linear_above`: `1 + θ·max(0, x − x₀)` (a hinge: no change up to the reference, as in Perez-Ruixo 2021's
///   hepatic blood flow, `Qh = 151 − 2.19·max(0, AGE − 60)` L/h, θ = −2.19/151 per year);
/// - `categorical` (sex): `θ` for a patient of ``level``, 1 otherwise (such as an elimination clearance 20 %
///   higher in women: `level: female`, θ = 1.2). ``reference`` is not used.
///
/// A relation on age or sex applies only when the patient's age or sex is given; without it the parameter keeps
/// its typical value (the reference patient's).
public struct CovariateRelation: Sendable, Equatable {
  /// The covariates a relation may use.
  public enum Covariate: String, Sendable, CaseIterable {
    case age = "age_years"
    case weight = "weight_kg"
    case sex
  }

  /// The forms of the factor.
  public enum Form: String, Sendable, CaseIterable {
    case power
    case linear
    case linearAbove = "linear_above"
    case categorical
  }

  /// The parameter's name in the model file.
  public var parameter: String
  public var covariate: Covariate
  public var form: Form
  /// `x₀`, in the covariate's unit.
  public var reference: Double
  /// θ: the exponent (power), the fractional change per unit of the covariate (linear forms), or the factor
  /// for ``level`` (categorical).
  public var coefficient: Double
  /// The category whose parameter is multiplied by θ (categorical form only).
  public var level: Sex?
  public var source: String
  public var verification: String

  public init(
    parameter: String, covariate: Covariate, form: Form, reference: Double, coefficient: Double, level: Sex? = nil,
    source: String = "", verification: String = ""
  ) {
    precondition((covariate == .sex) == (form == .categorical), "the categorical form is the form of sex")
    precondition(form != .categorical || level != nil, "a categorical relation names its level")
    self.level = level
    self.parameter = parameter
    self.covariate = covariate
    self.form = form
    self.reference = reference
    self.coefficient = coefficient
    self.source = source
    self.verification = verification
  }

  /// The factor for `patient`; nil when the covariate is not known (an age or sex not given).
  public func factor(for patient: Patient) -> Double? {
    let x: Double
    switch covariate {
    case .age:
      guard let age = patient.ageYears else { return nil }
      x = age
    case .weight:
      x = patient.weightKilograms
    case .sex:
      guard let sex = patient.sex else { return nil }
      return sex == level ? coefficient : 1
    }
    switch form {
    case .power: return pow(x / reference, coefficient)
    case .linear: return 1 + coefficient * (x - reference)
    case .linearAbove: return 1 + coefficient * max(0, x - reference)
    case .categorical: preconditionFailure("a categorical relation is on sex")
    }
  }
}
