import Foundation
import KetasimCore

/// The population scenario of the peer timing comparison (Benchmarks/README.md):
/// a ketamine-like two-compartment model (V1 0.063 L/kg, k10 0.4381,
/// k12 0.5921, k21 0.2470 /min), body weight log-normal around 70 kg
/// (log-SD 0.2, clipped to 40–150 kg), log-normal between-subject variability
/// with omega 0.3 on V1, CL, Q and V2, and 0.5 mg/kg infused over 40 min.
public struct PopulationScenario: Sendable {
  /// One virtual subject: weight, individual parameters and infusion rate.
  public struct Subject: Sendable, Equatable {
    public var weightKilograms: Double
    /// Central volume (L), clearance (L/min), intercompartmental clearance
    /// (L/min), peripheral volume (L).
    public var v1: Double
    public var cl: Double
    public var q: Double
    public var v2: Double
    /// Infusion rate (mg/min) over ``PopulationScenario/infusionMinutes``.
    public var rateMilligramsPerMinute: Double

    public init(weightKilograms: Double, v1: Double, cl: Double, q: Double, v2: Double, rateMilligramsPerMinute: Double)
    {
      self.weightKilograms = weightKilograms
      self.v1 = v1
      self.cl = cl
      self.q = q
      self.v2 = v2
      self.rateMilligramsPerMinute = rateMilligramsPerMinute
    }

    /// The subject's disposition parameters.
    public func parameters() throws -> PKParameters {
      try PKParameters(centralVolume: v1, clearance: cl, peripherals: [(volume: v2, clearance: q)])
    }
  }

  public static let centralVolumePerKilogram = 0.063
  public static let k10 = 0.4381
  public static let k12 = 0.5921
  public static let k21 = 0.2470
  public static let omega = 0.3
  public static let medianWeight = 70.0
  public static let weightLogSD = 0.2
  public static let weightRange = 40.0...150.0
  public static let doseMilligramsPerKilogram = 0.5
  public static let infusionMinutes = 40.0
  public static let durationMinutes = 24.0 * 60

  /// The seed every benchmark uses.
  public static let defaultSeed: UInt64 = 20_251_121

  public let subjects: [Subject]
  /// Output step (s).
  public let stepSeconds: Double
  /// Plasma levels of the read-out (ng/mL): the catalogue's thresholds.
  public let thresholds: [NamedThreshold]

  public init(subjects: [Subject], stepSeconds: Double, thresholds: [NamedThreshold]) {
    self.subjects = subjects
    self.stepSeconds = stepSeconds
    self.thresholds = thresholds
  }

  /// Output steps over the 24 h (the grid has one time more).
  public var steps: Int { Int((PopulationScenario.durationMinutes * 60 / stepSeconds).rounded()) }

  /// Steps during which the infusion runs.
  public var infusionSteps: Int { Int((PopulationScenario.infusionMinutes * 60 / stepSeconds).rounded()) }

  /// The typical subject of a given weight.
  public static func typicalSubject(weightKilograms w: Double) -> Subject {
    let v1 = centralVolumePerKilogram * w
    return Subject(
      weightKilograms: w, v1: v1, cl: k10 * v1, q: k12 * v1, v2: k12 * v1 / k21,
      rateMilligramsPerMinute: doseMilligramsPerKilogram * w / infusionMinutes)
  }

  /// Subject `index` of the population drawn with `seed`.
  ///
  /// The draw depends only on `(seed, index)`: a SplitMix64 generator seeded
  /// with `seed + index·0x9E3779B97F4A7C15` gives five normals in order,
  /// for log-weight, then the etas of V1, CL, Q and V2.
  public static func subject(_ index: Int, seed: UInt64) -> Subject {
    var generator = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
    let z = (0..<5).map { _ in generator.nextNormal() }
    let weight = min(max(medianWeight * exp(weightLogSD * z[0]), weightRange.lowerBound), weightRange.upperBound)
    let typical = typicalSubject(weightKilograms: weight)
    return Subject(
      weightKilograms: weight, v1: typical.v1 * exp(omega * z[1]), cl: typical.cl * exp(omega * z[2]),
      q: typical.q * exp(omega * z[3]), v2: typical.v2 * exp(omega * z[4]),
      rateMilligramsPerMinute: typical.rateMilligramsPerMinute)
  }

  /// The first `count` subjects drawn with `seed`.
  public static func subjects(count: Int, seed: UInt64 = defaultSeed) -> [Subject] {
    (0..<count).map { subject($0, seed: seed) }
  }

  /// The catalogue's reference levels (analgesia, dissociation, ...).
  public static func catalogueThresholds() throws -> [NamedThreshold] {
    try ModelCatalog.builtIn().thresholds.defaults
  }
}

extension PopulationScenario.Subject {
  /// Columns of a subjects file.
  public static let csvHeader = "id,weight_kg,v1_l,cl_l_per_min,q_l_per_min,v2_l,rate_mg_per_min"

  /// Reads subjects from a CSV with ``csvHeader`` (the peers' subjects file),
  /// so that every tool of a comparison sees bit-identical inputs.
  public static func read(csvFile path: String) throws -> [PopulationScenario.Subject] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline)
    guard let header = lines.first, header == csvHeader else {
      throw WorkloadError("\(path): expected the header \(csvHeader)")
    }
    lines.removeFirst()
    return try lines.enumerated().map { number, line in
      let fields = line.split(separator: ",").map { Double($0) }
      guard fields.count == 7, fields.allSatisfy({ $0 != nil }) else {
        throw WorkloadError("\(path):\(number + 2): expected 7 numbers")
      }
      let f = fields.map { $0! }
      return PopulationScenario.Subject(
        weightKilograms: f[1], v1: f[2], cl: f[3], q: f[4], v2: f[5], rateMilligramsPerMinute: f[6])
    }
  }
}

/// A workload's input or result could not be used.
public struct WorkloadError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
