import KetasimCore

/// A target-controlled infusion plan (`/api/tci`), as `ketasim tci`.
///
/// The scenario gives the model, the patient and the grid; its doses are
/// not used (the plan chooses the rates).
public struct TCIBody: Codable, Sendable, Equatable {
  /// The model, patient, duration and step.
  public var scenario: ScenarioBody
  /// Target steps, such as `150 ng/mL for 2 h`; the last may omit `for`.
  public var targets: [String]
  /// `plasma` (default) or `effect`.
  public var site: String?
  /// How often the pump rate may change, such as `10 s` (default).
  public var period: String?
  /// Pump maximum, such as `500 mg/h`, or `1200 mL/h` with a syringe.
  public var maximumRate: String?

  public init(scenario: ScenarioBody, targets: [String]) {
    self.scenario = scenario
    self.targets = targets
  }
}
