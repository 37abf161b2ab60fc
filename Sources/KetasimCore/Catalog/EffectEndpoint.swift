import Foundation

/// A published concentration-effect relation, read from `Models/effects.yaml`.
///
/// An endpoint acts on its own effect site, `Ce' = ke0·(Cp − Ce)`, or, where the paper related the effect to
/// steady-state plasma or its equilibration rate was not retrieved, on plasma itself (``ke0PerMinute`` nil).
/// With a C50, the effect is half its maximum at `C = C50` whatever the Hill coefficient, so onset, offset and
/// time above half-maximal effect are exact without one. With a ``link`` the effect itself is reported too.
/// Concentrations in ng/mL of the drug the relation was estimated for (``isSKetamineBasis``).
public struct EffectEndpoint: Sendable {
  /// The id (`dissociation`): the prefix of its CSV columns and summary rows.
  public var id: String
  public var name: String
  /// Whether concentrations are S-ketamine (else racemic).
  public var isSKetamineBasis: Bool
  /// C50 in ng/mL of the basis drug, when published.
  public var c50NanogramsPerMilliliter: Double?
  /// C50 as published, with its unit.
  public var publishedC50: String?
  /// Equilibration rate constant (1/min), or nil for an endpoint on plasma.
  public var ke0PerMinute: Double?
  /// Why an endpoint without an effect site is applied to plasma.
  public var plasmaNote: String?
  /// The whole effect curve, when published.
  public var link: EffectLink?
  /// The effect's unit (`index`, `% of scale maximum`) and its CSV column suffix (`index`, `pct_of_max`).
  public var effectUnit: String?
  public var effectColumnSuffix: String?
  /// The concentrations (ng/mL of the basis drug) the relation was observed over.
  public var studiedRange: ClosedRange<Double>?
  /// Set for parameters not checked against their source: printed with every output that uses them.
  public var unverified: String?
  /// How a racemic concentration relates to the basis.
  public var racemicNote: String
  public var population: String
  public var source: String
  public var verification: String

  /// The part of a model's concentration the relation applies to: 1/2 for a racemic model and an S-ketamine
  /// relation (the S half is assumed to act, the R half not), else 1.
  public func basisFraction(forSKetamineModel sModel: Bool) -> Double {
    isSKetamineBasis && !sModel ? 0.5 : 1
  }

  /// C50 (ng/mL) on the concentration scale of a model of `drug`: for a racemic model given an S-ketamine
  /// C50, twice it.
  public func c50(forSKetamineModel sModel: Bool) -> Double? {
    c50NanogramsPerMilliliter.map { $0 / basisFraction(forSKetamineModel: sModel) }
  }

  /// The effect columns' names: `ani_index`, `psychedelic_low_pct_of_max`, `psychedelic_high_pct_of_max`.
  public var effectColumns: [String] {
    guard let link, let suffix = effectColumnSuffix else { return [] }
    return link.curveSuffixes.map { "\(id)\($0)_\(suffix)" }
  }
}
