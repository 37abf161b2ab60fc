/// A concentration a model reports, read from its state: plasma (the central
/// compartment's amount over its volume), the effect site, or a metabolite.
///
/// Every table, plot, read-out, kernel and population pass asks the model's
/// ``LinearSystem/observations`` for these instead of knowing which state is
/// which and how it becomes ng/mL or nmol/mL.
public struct Observation: Sendable, Equatable {
  /// Which concentration: its raw value is the CSV column prefix (`cp`, `ce`, or a metabolite's name such
  /// as `nk`).
  public struct Site: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Plasma, the model's central compartment (`cp`).
    public static let plasma = Site(rawValue: "cp")
    /// The effect site (`ce`).
    // swift-format-ignore: DontRepeatTypeInStaticProperties
    public static let effectSite = Site(rawValue: "ce")

    /// Plasma or effect site of the parent drug: the sites the clinical thresholds (ng/mL of parent) apply to.
    public var isParent: Bool { self == .plasma || self == .effectSite }
  }

  public let site: Site
  /// Index of the state it reads.
  public let stateIndex: Int
  /// Factor from the state's unit to ``unit``: 1000/V for an amount in mg in a volume of V litres (ng/mL),
  /// 1000 for a concentration in mg/L; divided by the molar mass for nmol/mL.
  public let scale: Double
  /// `1/V` (1/L) for a state that is an amount, 1 for a state that is already mg/L; with ``unitFactor``
  /// the lane kernels' two-step form of ``scale``: `(x·inverseVolume)·unitFactor`.
  public let inverseVolume: Double
  /// mg/L to ``unit``: 1000 for ng/mL, 1000/M for nmol/mL (M in g/mol).
  public let unitFactor: Double
  /// The unit of the values.
  public let unit: CompartmentStructure.ConcentrationUnit

  /// An observation of `stateIndex` with `scale` = `inverseVolume · unitFactor` (computed as one factor).
  public init(
    site: Site, stateIndex: Int, inverseVolume: Double, unitFactor: Double = 1000,
    unit: CompartmentStructure.ConcentrationUnit = .nanogramsPerMillilitre, scale: Double? = nil
  ) {
    self.site = site
    self.stateIndex = stateIndex
    self.inverseVolume = inverseVolume
    self.unitFactor = unitFactor
    self.unit = unit
    self.scale = scale ?? inverseVolume * unitFactor
  }

  /// The CSV column name, with the unit: `cp_ng_per_ml`, `nk_nmol_per_ml`.
  public var columnName: String {
    site.rawValue + (unit == .nanogramsPerMillilitre ? "_ng_per_ml" : "_nmol_per_ml")
  }

  /// The concentration in ``unit`` (ng/mL for the parent) in `state`.
  @inlinable
  public func nanogramsPerMilliliter<State: SIMD>(_ state: State) -> Double where State.Scalar == Double {
    state[stateIndex] * scale
  }
}

extension Disposition {
  /// Plasma: compartment 1's amount (mg) over V1 (L), in ng/mL.
  public var plasma: Observation {
    let v1 = parameters.centralVolume
    return Observation(site: .plasma, stateIndex: 0, inverseVolume: 1 / v1, scale: 1000 / v1)
  }

  /// The effect site, when the model has one: its state is already mg/L.
  public var effectSite: Observation? {
    effectSiteIndex.map { Observation(site: .effectSite, stateIndex: $0, inverseVolume: 1) }
  }
}
