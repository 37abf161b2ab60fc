/// An individual parameter that between-subject variability can act on.
///
/// Variability acts on the clearance form of a patient's parameters (after
/// weight scaling): a model written with micro-constants is converted first
/// (`CL = k10·V1`, `Q2 = k12·V1`, …), so `CL` means the same for every
/// model.
public enum PopulationParameter: String, CaseIterable, Sendable {
  case v1 = "V1"
  case cl = "CL"
  case v2 = "V2"
  case q2 = "Q2"
  case v3 = "V3"
  case q3 = "Q3"
  case ke0

  /// The random stream of this parameter's eta (see ``CounterRandom``):
  /// fixed per parameter, so that one parameter's draws never depend on
  /// which others vary.
  public var stream: UInt64 {
    switch self {
    case .v1: return 1
    case .cl: return 2
    case .v2: return 3
    case .q2: return 4
    case .v3: return 5
    case .q3: return 6
    case .ke0: return 7
    }
  }

  /// The subjects CSV column, with its unit.
  public var columnName: String {
    switch self {
    case .v1, .v2, .v3: return "\(rawValue)_L"
    case .cl, .q2, .q3: return "\(rawValue)_L_per_min"
    case .ke0: return "ke0_per_min"
    }
  }

  /// The parameter named `name` (case-insensitive; `Q` means `Q2`).
  public init?(name: String) {
    let lower = name.lowercased()
    if lower == "q" {
      self = .q2
      return
    }
    guard let match = PopulationParameter.allCases.first(where: { $0.rawValue.lowercased() == lower }) else {
      return nil
    }
    self = match
  }

  /// The value of this parameter in `parameters` (L, L/min, 1/min).
  ///
  /// `nil` when the model does not have it: V3 of a two-compartment model,
  /// ke0 without an effect site.
  public func value(in parameters: PKParameters) -> Double? {
    switch self {
    case .v1: return parameters.centralVolume
    case .cl: return parameters.clearance
    case .v2: return parameters.peripherals.count > 0 ? parameters.peripherals[0].volume : nil
    case .q2: return parameters.peripherals.count > 0 ? parameters.peripherals[0].clearance : nil
    case .v3: return parameters.peripherals.count > 1 ? parameters.peripherals[1].volume : nil
    case .q3: return parameters.peripherals.count > 1 ? parameters.peripherals[1].clearance : nil
    case .ke0: return parameters.ke0
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
    func factor(_ p: PopulationParameter) -> Double { factors[p] ?? 1 }
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
