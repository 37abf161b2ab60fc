import KetasimCore

/// A virtual population around one patient (`/api/population`).
///
/// Subject *i* is drawn from (`seed`, *i*) exactly as `ketasim population`
/// draws it, so the same values give the same bands as the command line.
public struct PopulationBody: Codable, Sendable, Equatable {
  /// The most subjects one request may simulate (the command line has no
  /// such limit; a page request must answer within a second).
  public static let maximumSubjects = 2_000

  /// The typical patient, model and dosing.
  public var scenario: ScenarioBody
  /// Number of virtual subjects (default 500).
  public var subjects: Int?
  /// Random seed (default 1).
  public var seed: UInt64?
  /// Between-subject variability `NAME=OMEGA,...` (default: the model's).
  public var iiv: String?
  /// Percentiles of the bands, such as `5,50,95` (default).
  public var percentiles: String?

  public init(scenario: ScenarioBody) { self.scenario = scenario }
}
