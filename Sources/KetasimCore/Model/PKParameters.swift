/// The disposition parameters of one individual: a mammillary model with a
/// central compartment (1), up to two peripheral compartments (2, 3) and an
/// optional effect site.
///
/// Units: volumes in litres, clearances in litres per minute, `ke0` per
/// minute. Amounts in the engine are milligrams, so concentrations come out
/// in mg/L (= µg/mL); the edges convert to ng/mL.
///
/// The micro-constants follow: `k10 = CL/V1`, `k1j = Qj/V1`, `kj1 = Qj/Vj`.
public struct PKParameters: Sendable, Equatable {
  /// Central volume V1 (L).
  public let centralVolume: Double
  /// Elimination clearance CL from the central compartment (L/min).
  public let clearance: Double
  /// Peripheral compartments: volume (L) and intercompartmental clearance
  /// (L/min), zero, one or two of them.
  public let peripherals: [(volume: Double, clearance: Double)]
  /// Effect-site equilibration rate constant ke0 (1/min), if the model has one.
  public let ke0: Double?

  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` when a volume,
  ///   clearance or ke0 is not positive and finite, when there are more than
  ///   two peripheral compartments, or when two peripherals have exit rate
  ///   constants within 1 part in 10⁷ (they would then be one compartment).
  public init(
    centralVolume: Double, clearance: Double,
    peripherals: [(volume: Double, clearance: Double)] = [], ke0: Double? = nil
  ) throws {
    func check(_ name: String, _ value: Double, _ unit: String) throws {
      guard value.isFinite, value > 0 else {
        throw KetasimError.invalidValue(name, "\(value)", accepted: "a positive finite value in \(unit)")
      }
    }
    try check("V1", centralVolume, "L")
    try check("CL", clearance, "L/min")
    guard peripherals.count <= 2 else {
      throw KetasimError.invalidValue(
        "compartment count", "\(peripherals.count + 1)", accepted: "1, 2 or 3 compartments")
    }
    for (index, p) in peripherals.enumerated() {
      try check("V\(index + 2)", p.volume, "L")
      try check("Q\(index + 2)", p.clearance, "L/min")
    }
    if peripherals.count == 2 {
      // The spectral solution needs distinct exit rates; when they (nearly)
      // coincide the two peripherals are indistinguishable and its
      // eigenvectors lose accuracy as about 1e-16/gap (1e-9 at this bound).
      let k21 = peripherals[0].clearance / peripherals[0].volume
      let k31 = peripherals[1].clearance / peripherals[1].volume
      if abs(k21 - k31) < 1e-7 * max(k21, k31) {
        throw KetasimError.invalidValue(
          "k21, k31", "\(k21), \(k31) /min",
          accepted: "peripheral exit rate constants that differ by at least 1 part in 10^7 "
            + "(equal rates make the peripherals one compartment with V = V2 + V3, Q = Q2 + Q3: merge them)")
      }
    }
    if let ke0 { try check("ke0", ke0, "1/min") }
    self.centralVolume = centralVolume
    self.clearance = clearance
    self.peripherals = peripherals
    self.ke0 = ke0
  }

  /// Number of compartments (1, 2 or 3), effect site not counted.
  public var compartmentCount: Int { peripherals.count + 1 }

  /// Number of states the engine propagates: compartments plus the effect site.
  public var stateCount: Int { compartmentCount + (ke0 == nil ? 0 : 1) }

  /// Elimination rate constant k10 (1/min).
  public var k10: Double { clearance / centralVolume }

  /// Distribution rate constants (k1j, kj1) for each peripheral (1/min).
  public var distributionRates: [(outOfCentral: Double, backToCentral: Double)] {
    peripherals.map { ($0.clearance / centralVolume, $0.clearance / $0.volume) }
  }

  /// Volume of distribution at steady state, V1 + V2 + V3 (L).
  public var steadyStateVolume: Double { centralVolume + peripherals.reduce(0) { $0 + $1.volume } }

  public static func == (lhs: PKParameters, rhs: PKParameters) -> Bool {
    lhs.centralVolume == rhs.centralVolume && lhs.clearance == rhs.clearance && lhs.ke0 == rhs.ke0
      && lhs.peripherals.count == rhs.peripherals.count
      && zip(lhs.peripherals, rhs.peripherals).allSatisfy { $0.volume == $1.volume && $0.clearance == $1.clearance }
  }
}
