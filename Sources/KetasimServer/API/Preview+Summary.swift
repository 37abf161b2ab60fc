import KetasimCore

extension Preview {
  /// The read-out of one scenario: `ketasim simulate --summary`'s rows, the
  /// session sheet's sections, the warnings and the notes.
  public struct Summary: Codable, Sendable, Equatable {
    /// One read-out metric (`metric,value,unit` of the CSV).
    public struct Row: Codable, Sendable, Equatable {
      public var metric: String
      public var value: String
      public var unit: String
    }
    /// One section of the session sheet.
    public struct Section: Codable, Sendable, Equatable {
      public var heading: String
      public var lines: [String]
    }
    /// The model that ran: id, name, population and sampling site.
    public struct Model: Codable, Sendable, Equatable {
      public var id: String
      public var name: String
      public var population: String
      public var sampling: String
    }

    public var model: Model
    public var readout: [Row]
    public var sheet: [Section]
    public var warnings: [String]
    public var notes: [String]
    public var disclaimer: String
  }

  /// The disclaimer every answer and export carries.
  public static let disclaimer =
    "Population-model estimates for previewing and teaching; not a medical device and not a substitute for "
    + "clinical judgement or monitoring."

  /// The read-out of `body` (`/api/summary`).
  public func summary(_ body: ScenarioBody) throws -> Summary {
    let scenario = try body.resolve(limits: limits)
    switch try scenario.run() {
    case .mammillary(let simulation): return Self.summary(simulation, scenario)
    case .general(let simulation): return Self.summary(simulation, scenario)
    }
  }

  private static func summary<System>(_ simulation: ExactSimulation<System>, _ scenario: Scenario) -> Summary {
    let subject = scenario.subject
    let table = SummaryTable(
      simulation: simulation, end: scenario.grid.end, model: subject.definition, patient: subject.patient,
      thresholds: subject.thresholds, ke0Source: subject.ke0Source, syringe: scenario.syringe,
      endpoints: subject.endpoints)
    let definition = subject.definition
    return Summary(
      model: .init(
        id: definition.id, name: definition.name, population: definition.population,
        sampling: definition.sampling.rawValue),
      readout: table.rows.map { .init(metric: $0.metric, value: $0.value, unit: $0.unit) },
      sheet: sessionSheet(simulation, scenario).sections.map { .init(heading: $0.heading, lines: $0.lines) },
      warnings: table.warnings, notes: scenario.notes, disclaimer: disclaimer)
  }

  /// The session sheet of `scenario`, as `ketasim simulate --report` builds it.
  private static func sessionSheet<System>(_ simulation: ExactSimulation<System>, _ scenario: Scenario)
    -> SessionSheet
  {
    let subject = scenario.subject
    return SessionSheet(
      simulation: simulation, end: scenario.grid.end, model: subject.definition, patient: subject.patient,
      thresholds: subject.thresholds, syringe: scenario.syringe, endpoints: subject.endpoints)
  }

  /// The session sheet of `body` in `format` (`/api/sheet`): the same sheet
  /// as `ketasim simulate --report-to`.
  public func sheet(_ body: ScenarioBody, format: SessionSheet.Format) throws -> [UInt8] {
    let scenario = try body.resolve(limits: limits)
    let sheet: SessionSheet
    switch try scenario.run() {
    case .mammillary(let simulation): sheet = Self.sessionSheet(simulation, scenario)
    case .general(let simulation): sheet = Self.sessionSheet(simulation, scenario)
    }
    return Array(sheet.rendered(as: format).utf8)
  }
}

extension SessionSheet.Format {
  /// The HTTP content type.
  var contentType: String {
    switch self {
    case .html: "text/html; charset=utf-8"
    case .markdown: "text/markdown; charset=utf-8"
    case .text: "text/plain; charset=utf-8"
    }
  }
}
