/// A general linear compartment system with one dose input.
///
/// Amounts `x` (mg) in `n ≤ 16` compartments obey
///
/// ```
/// dx/dt = A·x + b·u,
/// A[j][i] += k(i→j),  A[i][i] −= k(i→j) + kₑ(i)   for every flow and elimination,
/// ```
///
/// where `k(i→j)` (1/min) is a first-order flow from compartment `i` to `j`, `kₑ(i)` (1/min) is elimination
/// out of the system from `i`, `u` is an infusion rate (mg/min) and `b` is the unit vector of the input
/// compartment. Formation of a metabolite from a parent's elimination with fraction `fm` is a flow
/// `fm·kₑ` into the metabolite compartment plus an elimination `(1 − fm)·kₑ` (see
/// ``formation(from:to:rate:fraction:)``). An effect site is a compartment of negligible mass: a flow with
/// `depletesSource == false` adds `ke0·x₁` to it without removing anything from the central compartment, so
/// its state is `V1·Ce` (mg) and its observation divides by V1 (see `CompartmentStructure+Mammillary.swift`).
///
/// Observations turn an amount into a concentration: mg / L = µg/mL, times 1000 for ng/mL, divided by
/// the molar mass (g/mol) for nmol/mL.
public struct CompartmentStructure: Sendable, Equatable {
  /// Largest number of compartments (the C kernels' `KS_MAX_STATES` bound for future lanes).
  public static let maximumCompartments = 16

  /// A first-order flow from compartment `from` to compartment `to` (indices), rate in 1/min.
  public struct Flow: Sendable, Equatable {
    public let from: Int
    public let to: Int
    public let rate: Double
    /// `false` for a link of negligible mass (an effect site): the target gains `rate·x(from)`, the source
    /// loses nothing.
    public let depletesSource: Bool
    public init(from: Int, to: Int, rate: Double, depletesSource: Bool = true) {
      self.from = from
      self.to = to
      self.rate = rate
      self.depletesSource = depletesSource
    }
  }

  /// The unit an observation is reported in.
  public enum ConcentrationUnit: String, Sendable, Equatable {
    /// ng/mL (= µg/L): amount mg / volume L × 1000.
    case nanogramsPerMillilitre = "ng/mL"
    /// nmol/mL (= µmol/L): ng/mL divided by the molar mass in g/mol.
    case nanomolesPerMillilitre = "nmol/mL"
  }

  /// A named observation: the amount in `compartment` over `volume` litres, in `unit`.
  public struct Output: Sendable, Equatable {
    public let name: String
    public let compartment: Int
    /// Volume (L) the amount is divided by.
    public let volume: Double
    public let unit: ConcentrationUnit
    /// Molar mass (g/mol), required for nmol/mL.
    public let molarMass: Double?
    public init(name: String, compartment: Int, volume: Double, unit: ConcentrationUnit, molarMass: Double? = nil) {
      self.name = name
      self.compartment = compartment
      self.volume = volume
      self.unit = unit
      self.molarMass = molarMass
    }

    /// Factor from an amount in mg to the observation's unit.
    public var scale: Double {
      let ngPerML = 1000 / volume
      switch unit {
      case .nanogramsPerMillilitre: return ngPerML
      case .nanomolesPerMillilitre: return ngPerML / (molarMass ?? .nan)
      }
    }
  }

  /// Compartment names, in state order.
  public let compartments: [String]
  /// First-order flows between compartments.
  public let flows: [Flow]
  /// Elimination rate constant out of the system per compartment (1/min).
  public let elimination: [Double]
  /// The compartment a bolus or infusion enters.
  public let inputCompartment: Int
  /// The part of every dose that enters (1; 0.5 for the S half of a racemic dose given to an S-ketamine
  /// model).
  public let inputFraction: Double
  /// Named observations.
  public let observations: [Output]

  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:)`` for no or more than 16 compartments, duplicate or
  ///   empty names, an index out of range, a self-flow, a negative or non-finite rate, an elimination list of
  ///   the wrong length, a non-positive volume, or nmol/mL without a positive molar mass.
  public init(
    compartments: [String], flows: [Flow], elimination: [Double], inputCompartment: Int,
    observations: [Output], inputFraction: Double = 1
  ) throws {
    guard inputFraction.isFinite, inputFraction > 0, inputFraction <= 1 else {
      throw KetasimError.invalidValue("input fraction", "\(inputFraction)", accepted: "a fraction above 0, at most 1")
    }
    let n = compartments.count
    guard (1...Self.maximumCompartments).contains(n) else {
      throw KetasimError.invalidValue("compartment count", "\(n)", accepted: "1 to \(Self.maximumCompartments)")
    }
    guard Set(compartments).count == n, !compartments.contains("") else {
      throw KetasimError.invalidValue(
        "compartment names", compartments.joined(separator: ", "), accepted: "distinct non-empty names")
    }
    func checkIndex(_ what: String, _ index: Int) throws {
      guard (0..<n).contains(index) else {
        throw KetasimError.invalidValue(what, "\(index)", accepted: "a compartment index in 0..<\(n)")
      }
    }
    func checkRate(_ what: String, _ rate: Double) throws {
      guard rate.isFinite, rate >= 0 else {
        throw KetasimError.invalidValue(what, "\(rate) /min", accepted: "a finite rate constant ≥ 0 in 1/min")
      }
    }
    for flow in flows {
      try checkIndex("flow source", flow.from)
      try checkIndex("flow target", flow.to)
      guard flow.from != flow.to else {
        throw KetasimError.invalidValue(
          "flow", "\(compartments[flow.from]) → itself", accepted: "a flow between two different compartments")
      }
      try checkRate("rate \(compartments[flow.from]) → \(compartments[flow.to])", flow.rate)
    }
    guard elimination.count == n else {
      throw KetasimError.invalidValue(
        "elimination rate count", "\(elimination.count)", accepted: "one rate per compartment (\(n))")
    }
    for (i, k) in elimination.enumerated() { try checkRate("elimination from \(compartments[i])", k) }
    try checkIndex("input compartment", inputCompartment)
    for observation in observations {
      try checkIndex("observation \(observation.name) compartment", observation.compartment)
      guard observation.volume.isFinite, observation.volume > 0 else {
        throw KetasimError.invalidValue(
          "observation \(observation.name) volume", "\(observation.volume) L", accepted: "a positive finite volume in L"
        )
      }
      if observation.unit == .nanomolesPerMillilitre {
        guard let m = observation.molarMass, m.isFinite, m > 0 else {
          throw KetasimError.invalidValue(
            "observation \(observation.name) molar mass", observation.molarMass.map { "\($0)" } ?? "none",
            accepted: "a positive molar mass in g/mol for nmol/mL")
        }
      }
    }
    self.compartments = compartments
    self.flows = flows
    self.elimination = elimination
    self.inputCompartment = inputCompartment
    self.inputFraction = inputFraction
    self.observations = observations
  }

  /// Number of compartments (states).
  public var count: Int { compartments.count }

  /// The rate matrix `A` (1/min), row-major: `rateMatrix[i][j]` is `∂(dxᵢ/dt)/∂xⱼ`.
  public var rateMatrix: [[Double]] {
    var a = [[Double]](repeating: [Double](repeating: 0, count: count), count: count)
    for flow in flows {
      a[flow.to][flow.from] += flow.rate
      if flow.depletesSource { a[flow.from][flow.from] -= flow.rate }
    }
    for (i, k) in elimination.enumerated() { a[i][i] -= k }
    return a
  }

  /// The input vector `b`: ``inputFraction`` in the input compartment.
  public var inputVector: [Double] {
    (0..<count).map { $0 == inputCompartment ? inputFraction : 0 }
  }

  /// The flows for formation of a metabolite from `parent`'s elimination `rate` (1/min) with fraction `fm`
  /// (0…1): a flow `fm·rate` to `metabolite`, and the remaining `(1 − fm)·rate` to return as elimination.
  public static func formation(
    from parent: Int, to metabolite: Int, rate: Double, fraction: Double
  ) throws -> (flow: Flow, remainingElimination: Double) {
    guard fraction.isFinite, (0...1).contains(fraction) else {
      throw KetasimError.invalidValue("formation fraction", "\(fraction)", accepted: "a fraction from 0 to 1")
    }
    return (Flow(from: parent, to: metabolite, rate: fraction * rate), (1 - fraction) * rate)
  }
}
