/// An individual parameter that between-subject variability can act on.
///
/// For the mammillary models, one of seven: `V1`, `CL`, `V2`, `Q2`, `V3`,
/// `Q3` and `ke0`. Variability acts on the clearance form of a patient's
/// parameters (after weight scaling): a model written with micro-constants is
/// converted first (`CL = k10·V1`, `Q2 = k12·V1`, …), so `CL` means the same
/// for every model. For a model with a general structure (a `structure:`
/// section), any parameter its file declares, by name, after weight scaling;
/// `ke0` acts on the effect site's rate constant.
public struct PopulationParameter: Hashable, Sendable, CustomStringConvertible {
  /// The parameter's name as the model file writes it.
  public let rawValue: String

  /// A parameter by its exact name (a standard one or a model file's own).
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let v1 = PopulationParameter(rawValue: "V1")
  public static let cl = PopulationParameter(rawValue: "CL")
  public static let v2 = PopulationParameter(rawValue: "V2")
  public static let q2 = PopulationParameter(rawValue: "Q2")
  public static let v3 = PopulationParameter(rawValue: "V3")
  public static let q3 = PopulationParameter(rawValue: "Q3")
  public static let ke0 = PopulationParameter(rawValue: "ke0")

  /// The seven parameters of the mammillary models, in column order.
  public static let standard: [PopulationParameter] = [.v1, .cl, .v2, .q2, .v3, .q3, .ke0]

  public var description: String { rawValue }

  /// The random stream of this parameter's eta (see ``CounterRandom``).
  ///
  /// Fixed per parameter, so that one parameter's draws never depend on
  /// which others vary. 1…7 for the standard parameters (as before named
  /// parameters existed); for any other name, 2³² plus its FNV-1a hash
  /// (32 bits), stable across runs and machines.
  public var stream: UInt64 {
    if let index = Self.standard.firstIndex(of: self) { return UInt64(index + 1) }
    var hash = FNV1a()
    hash.add(rawValue)
    return (1 << 32) + (hash.value & 0xFFFF_FFFF)
  }

  /// The subjects CSV column of a standard parameter, with its unit.
  public var columnName: String {
    switch self {
    case .v1, .v2, .v3: return "\(rawValue)_L"
    case .cl, .q2, .q3: return "\(rawValue)_L_per_min"
    case .ke0: return "ke0_per_min"
    default: return rawValue
    }
  }

  /// A standard parameter named `name` (case-insensitive; `Q` means `Q2`).
  public init?(name: String) {
    let lower = name.lowercased()
    if lower == "q" {
      self = .q2
      return
    }
    guard let match = Self.standard.first(where: { $0.rawValue.lowercased() == lower }) else { return nil }
    self = match
  }

  /// The value of this parameter in `parameters` (L, L/min, 1/min).
  ///
  /// `nil` when the model does not have it: V3 of a two-compartment model,
  /// ke0 without an effect site, a name that is not a standard parameter.
  public func value(in parameters: PKParameters) -> Double? {
    switch self {
    case .v1: return parameters.centralVolume
    case .cl: return parameters.clearance
    case .v2: return parameters.peripherals.count > 0 ? parameters.peripherals[0].volume : nil
    case .q2: return parameters.peripherals.count > 0 ? parameters.peripherals[0].clearance : nil
    case .v3: return parameters.peripherals.count > 1 ? parameters.peripherals[1].volume : nil
    case .q3: return parameters.peripherals.count > 1 ? parameters.peripherals[1].clearance : nil
    case .ke0: return parameters.ke0
    default: return nil
    }
  }
}

extension PKParameters {
  /// These parameters with each one multiplied by `factors[p]` (1 where
  /// absent): `P_i = P·exp(eta)` with `factors = exp(eta)`.
  ///
  /// - Throws: ``KetasimError`` when the result is not a valid set (two
  ///   peripheral exit rates that coincide, for example).
  public func scaled(by factors: [PopulationParameter: Double]) throws -> PKParameters {
    try scaled { factors[$0] ?? 1 }
  }

  /// These parameters with each one `p` multiplied by `factor(p)`.
  ///
  /// - Throws: ``KetasimError`` when the result is not a valid set.
  func scaled(_ factor: (PopulationParameter) -> Double) throws -> PKParameters {
    var peripherals = self.peripherals
    if peripherals.count > 0 {
      peripherals[0] = (volume: peripherals[0].volume * factor(.v2), clearance: peripherals[0].clearance * factor(.q2))
    }
    if peripherals.count > 1 {
      peripherals[1] = (volume: peripherals[1].volume * factor(.v3), clearance: peripherals[1].clearance * factor(.q3))
    }
    return try PKParameters(
      centralVolume: centralVolume * factor(.v1), clearance: clearance * factor(.cl), peripherals: peripherals,
      ke0: ke0.map { $0 * factor(.ke0) })
  }
}
