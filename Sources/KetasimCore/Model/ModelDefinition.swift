import Foundation

/// A published compartment model of IV ketamine, as read from a model file.
///
/// A definition carries the population parameters with their units and
/// weight scaling, the model's validity range, its published variability and
/// effect-site rate constant where they exist, and the provenance of every
/// number. ``parameters(for:ke0Override:)`` turns it into the parameters of
/// one patient. Model files (`Models/*.yaml`) are the single source of these
/// numbers; see `Models/README.md` for the format.
public struct ModelDefinition: Sendable {
  /// How a parameter changes with total body weight `W` (kg).
  public enum WeightScaling: Sendable, Equatable {
    /// Not weight scaled.
    case fixed
    /// Proportional to `W` (the value is given per kg).
    case linear
    /// `value · (W / reference)^exponent`.
    case allometric(exponent: Double, referenceKilograms: Double)
  }

  /// What a parameter measures, which fixes its canonical unit.
  public enum Dimension: Sendable, Equatable {
    /// Litres.
    case volume
    /// Litres per minute.
    case clearance
    /// Per minute.
    case rateConstant
    /// A dimensionless fraction from 0 to 1 (a metabolite's formation fraction).
    case fraction
  }

  /// One population parameter with its provenance.
  public struct Parameter: Sendable {
    /// `V1`, `V2`, `V3`, `CL`, `Q2`, `Q3`, `k10`, `k12`, `k21`, `k13` or `k31`.
    public var name: String
    /// The value as published, in ``unit``.
    public var value: Double
    /// The unit as written in the file, such as `L/kg` or `L/h`.
    public var unit: String
    public var dimension: Dimension
    /// The value in L, L/min or 1/min for a 1-kg (linear) or reference-weight
    /// (allometric) patient, before weight scaling.
    public var canonicalValue: Double
    public var scaling: WeightScaling
    public var source: String
    public var verification: String
    /// The published relative standard error of the estimate (`rse_percent`: its SE as a percentage of the
    /// value); nil when the file gives none (fixed or unreported).
    public var relativeStandardErrorPercent: Double?

    /// The value for a patient of `weight` kg, in L, L/min or 1/min.
    public func value(forWeight weight: Double) -> Double {
      switch scaling {
      case .fixed: return canonicalValue
      case .linear: return canonicalValue * weight
      case .allometric(let exponent, let reference):
        return canonicalValue * pow(weight / reference, exponent)
      }
    }
  }

  /// A covariate range with its source.
  public struct ValidityRange: Sendable {
    public var minimum: Double
    public var maximum: Double
    public var source: String
    public func contains(_ value: Double) -> Bool { value >= minimum && value <= maximum }
  }

  /// Published inter-individual variability of one parameter.
  public struct Variability: Sendable {
    public var parameter: String
    /// Coefficient of variation in percent, as published.
    public var coefficientOfVariationPercent: Double
    public var source: String
    public var verification: String
  }

  /// A published correlation of two parameters' between-subject variability (`iiv_correlations`).
  public struct Correlation: Sendable {
    public var between: (String, String)
    /// The correlation coefficient of the two η, in (−1, 1).
    public var coefficient: Double
    public var source: String
    public var verification: String
  }

  /// A published residual (unexplained) error of one observation (`residual_error`): how measured values of it
  /// scatter around the individual prediction in the source study.
  public struct PublishedResidualError: Sendable {
    /// The observation's name (`cp`, or a structure's observation such as `nk`).
    public var observation: String
    public var error: ResidualError
    public var source: String
    public var verification: String
  }

  /// A published effect-site equilibration rate constant.
  public struct EffectSite: Sendable {
    /// ke0 in 1/min.
    public var ke0PerMinute: Double
    /// The value and unit as written in the file.
    public var publishedValue: Double
    public var publishedUnit: String
    public var confidenceInterval95: ClosedRange<Double>?
    /// The clinical endpoint it was estimated for.
    public var endpoint: String
    public var source: String
    public var verification: String
  }

  /// Where blood was sampled in the source study.
  public enum SamplingSite: String, Sendable {
    case arterial, venous, unknown
  }

  public var id: String
  public var name: String
  public var drug: String
  public var compartmentCount: Int
  public var sampling: SamplingSite
  public var samplingNote: String
  public var population: String
  public var citation: String
  public var doi: String?
  public var pmid: String?
  public var scalingDescription: String
  /// Parameters in file order.
  public var parameters: [Parameter]
  public var weightRange: ValidityRange
  public var ageRange: ValidityRange
  public var variability: [Variability]
  /// Published covariate relations beyond weight scaling (`covariates:`), applied by ``values(for:)`` and
  /// ``parameters(for:ke0Override:)``.
  public var covariateRelations: [CovariateRelation] = []
  /// Correlations of pairs of ``variability``'s η (empty: independent).
  public var variabilityCorrelations: [Correlation] = []
  public var variabilityNote: String?
  /// Published residual errors, per observation (`residual_error`); empty when the file gives none.
  public var residualErrors: [PublishedResidualError] = []
  public var effectSite: EffectSite?
  public var notes: [String]
  /// What every run with this model must say (a known bias, a published effect left out), shown with the
  /// warnings of each output.
  public var cautions: [String]
  /// The general compartment structure, for a model file with a `structure:` section (metabolites, a liver
  /// compartment); `nil` for the mammillary models, whose structure follows from their parameters.
  public var structure: StructureTemplate?
  /// The file's text, for `ketasim models show`.
  public var sourceText: String

  /// Whether the model describes S-ketamine (esketamine) only, not racemic ketamine.
  public var isSKetamine: Bool {
    let drug = drug.lowercased()
    return drug.hasPrefix("s-ketamine") || drug.contains("esketamine")
  }

  /// The parameter called `name`, if the model has it.
  public func parameter(_ name: String) -> Parameter? { parameters.first { $0.name == name } }
}
