/// One source of doses in a scenario: a regimen (built-in or a file), an
/// event table, or dose specs given directly.
public struct DosingSource: Sendable {
  /// The doses, patient defaults and output settings of the source.
  public var regimen: Regimen
  /// Whether it came from a file (regimen or event table): then its own
  /// duration applies by default, else ``ScenarioRequest/defaultDuration``.
  public var isFile: Bool
  /// What the user should be told about it, such as the columns of an event
  /// table that are not used.
  public var notes: [String] = []

  public init(regimen: Regimen, isFile: Bool, notes: [String] = []) {
    self.regimen = regimen
    self.isFile = isFile
    self.notes = notes
  }

  /// How long to simulate by default: the file's own duration, else 4 h.
  public var defaultDuration: ClockTime { isFile ? regimen.defaultDuration : ScenarioRequest.defaultDuration }
  /// The output step by default: the regimen's, else 1 min.
  public var defaultStep: ClockTime { regimen.output.step ?? ScenarioRequest.defaultStep }
}
