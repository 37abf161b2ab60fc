/// Everything that fixes the shape and meaning of a population run's
/// outputs: the columns, the grid, the thresholds, the percentiles, and the
/// labels of the summary.
///
/// A single run and ``PopulationMerge`` write their tables from a layout, so
/// the two produce the same bytes; shards carry it in their header and a
/// merge accepts only shards whose layouts (and so fingerprints) agree.
public struct PopulationLayout: Sendable, Equatable, Codable {
  /// FNV-1a 64 of everything that determines the subjects' values (model
  /// file text, variability, covariates, seed, doses, grid, …), in hex.
  public var fingerprint: String
  public var model: String
  public var variability: String
  public var covariates: String
  public var doses: String
  public var seed: UInt64
  public var totalSubjects: Int
  public var gridEndMicroseconds: Int64
  public var gridStepMicroseconds: Int64
  public var thresholdNames: [String]
  public var thresholdValues: [Double]
  public var percentiles: PercentileList
  public var effectSite: Bool
  /// Metabolite observations (ng/mL) with their own bands, after plasma and the effect site; nil when the
  /// model has none (and so absent from the shards of mammillary models, whose headers stay as they were).
  public var metabolites: [String]? = nil
  /// The typical patient's warnings (``RunWarnings``): the summary's last row.
  ///
  /// Set by the caller that knows the typical patient (``PopulationSimulation/noting(typicalWarnings:)``),
  /// carried in shard headers so that a merge writes the same summary. Not part of the fingerprint.
  public var warnings: [String]? = nil
  /// Columns of the subjects CSV; those from `flagsFrom` on are 0/1 flags.
  public var subjectColumns: [String]
  public var flagsFrom: Int

  /// The output grid.
  public func grid() throws -> TimeGrid {
    try TimeGrid(
      end: ClockTime(microseconds: gridEndMicroseconds), step: ClockTime(microseconds: gridStepMicroseconds))
  }

  /// The thresholds, in order.
  public var thresholds: [NamedThreshold] {
    zip(thresholdNames, thresholdValues).map { NamedThreshold(name: $0, nanogramsPerMilliliter: $1) }
  }

  /// Site prefixes: `cp`, and `ce` with an effect site.
  public var sites: [CurveReadout.Site] { effectSite ? [.plasma, .effectSite] : [.plasma] }

  /// Sites with percentile bands: ``sites`` and the metabolites.
  public var bandSites: [CurveReadout.Site] { sites + (metabolites ?? []).map(CurveReadout.Site.init(rawValue:)) }
}

/// FNV-1a, 64 bits: a stable fingerprint (not a cryptographic hash).
struct FNV1a {
  private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

  mutating func add(_ bytes: some Sequence<UInt8>) {
    for byte in bytes {
      value ^= UInt64(byte)
      value = value &* 0x0000_0100_0000_01B3
    }
  }

  mutating func add(_ text: String) {
    add(text.utf8)
    add([0])
  }

  mutating func add(_ number: Double) { add(String(number.bitPattern, radix: 16)) }

  var hex: String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
