import Foundation

/// A published covariate relation: how one parameter's typical value changes with a patient's age, weight, sex or
/// a covariate the model names (such as `ASIAN`), beyond the model's own weight scaling (a model file's
/// `covariates:` section).
///
/// Each form multiplies the parameter's value `P` (after weight scaling) by a factor of the covariate `x` and its
/// reference `x₀`:
/// - `power`: `(x/x₀)^θ`;
/// - `linear`: `1 + θ·(x − x₀)`;
/// - `linear_above`: `1 + θ·max(0, x − x₀)` (a hinge: no change up to the reference, as in Perez-Ruixo 2021's
///   hepatic blood flow, `Qh = 151 − 2.19·max(0, AGE − 60)` L/h, θ = −2.19/151 per year);
/// - `categorical` (sex): `θ` for a patient of ``level``, 1 otherwise (such as an elimination clearance 20 %
///   higher in women: `level: female`, θ = 1.2). ``reference`` is not used;
/// - `indicator` (a named covariate, 0 or 1): `θ` when the covariate is not 0, 1 otherwise (Perez-Ruixo 2021's
///   `kel × 0.36` in Asian subjects: covariate `ASIAN`, θ = 0.36). ``reference`` is not used.
///
/// A named covariate is a number the model file names (upper case, as a dataset column: `ASIAN`, `CRCL`); it comes
/// from the dataset's column of that name, or `--covariate NAME=VALUE`, and takes any form but `categorical`.
///
/// A relation on age, sex or a named covariate applies only when the patient's value is given; without it the
/// parameter keeps its typical value (the reference patient's).
public struct CovariateRelation: Sendable, Equatable {
  /// The covariates a relation may use.
  public enum Covariate: Sendable, Hashable {
    case age
    case weight
    case sex
    /// A number the model names, such as `ASIAN` (upper-case letters, digits and `_`, as a dataset column).
    case named(String)

    /// `age_years`, `weight_kg`, `sex`, or an upper-case name.
    public init?(name: String) {
      switch name {
      case "age_years": self = .age
      case "weight_kg": self = .weight
      case "sex": self = .sex
      default:
        guard let first = name.first, first.isUppercase,
          name.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") })
        else { return nil }
        self = .named(name)
      }
    }

    /// The name in a model file.
    public var name: String {
      switch self {
      case .age: return "age_years"
      case .weight: return "weight_kg"
      case .sex: return "sex"
      case .named(let name): return name
      }
    }
  }

  /// The forms of the factor.
  public enum Form: String, Sendable, CaseIterable {
    case power
    case linear
    case linearAbove = "linear_above"
    case categorical
    case indicator
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
    if form == .indicator {
      guard case .named = covariate else { preconditionFailure("the indicator form is a named covariate's") }
    }
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
    case .named(let name):
      guard let value = patient.covariates[name] else { return nil }
      if form == .indicator { return value != 0 ? coefficient : 1 }
      x = value
    }
    switch form {
    case .power: return pow(x / reference, coefficient)
    case .linear: return 1 + coefficient * (x - reference)
    case .linearAbove: return 1 + coefficient * max(0, x - reference)
    case .categorical: preconditionFailure("a categorical relation is on sex")
    case .indicator: preconditionFailure("an indicator relation is on a named covariate")
    }
  }
}
