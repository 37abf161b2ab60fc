/// A concentration a model reports, read from its state: plasma (the central
/// compartment's amount over its volume) or the effect site.
///
/// Every table, plot, read-out and validation asks the model's
/// ``Disposition/observations`` for these instead of knowing which state is
/// which and how it becomes ng/mL.
public struct Observation: Sendable, Equatable {
  /// Which concentration; the raw value is its CSV column prefix.
  public enum Site: String, Sendable, CaseIterable {
    /// Plasma, the model's central compartment (`cp`).
    case plasma = "cp"
    /// The effect site (`ce`).
    case effectSite = "ce"
  }

  public let site: Site
  /// Index of the state it reads.
  public let stateIndex: Int
  /// Factor from the state's unit to ng/mL: 1000/V1 for an amount in mg in
  /// a volume of V1 litres, 1000 for a concentration in mg/L.
  public let scale: Double

  /// The concentration (ng/mL) in `state`.
  @inlinable
  public func nanogramsPerMilliliter(_ state: SIMD4<Double>) -> Double { state[stateIndex] * scale }
}

extension Disposition {
  /// Plasma: compartment 1's amount (mg) over V1 (L), in ng/mL.
  public var plasma: Observation {
    Observation(site: .plasma, stateIndex: 0, scale: 1000 / parameters.centralVolume)
  }

  /// The effect site, when the model has one: its state is already mg/L.
  public var effectSite: Observation? {
    effectSiteIndex.map { Observation(site: .effectSite, stateIndex: $0, scale: 1000) }
  }

  /// Every observation of the model: plasma, then the effect site.
  public var observations: [Observation] { [plasma] + (effectSite.map { [$0] } ?? []) }

  /// The observation of `site`, or nil when the model has none there.
  public func observation(_ site: Observation.Site) -> Observation? {
    site == .plasma ? plasma : effectSite
  }
}
