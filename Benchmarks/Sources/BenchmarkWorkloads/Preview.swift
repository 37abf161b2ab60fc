import KetasimCore

/// W1, the preview: one patient of the population scenario's typical
/// parameters (70 kg, 0.5 mg/kg over 40 min) over 24 h on a 1-s grid
/// (86,401 rows), written as the CLI writes it (`TimeCourse` through
/// `CSVWriter`, with the catalogue's threshold columns) into a sink that
/// counts the bytes and keeps none.
public struct Preview: Sendable {
  public let simulation: Simulation
  public let grid: TimeGrid
  public let thresholds: [NamedThreshold]

  public init(weightKilograms: Double = 70, stepSeconds: Double = 1, hours: Double = 24) throws {
    let subject = PopulationScenario.typicalSubject(weightKilograms: weightKilograms)
    let schedule = try DosingSchedule([
      .infusion(
        milligramsPerMinute: subject.rateMilligramsPerMinute, start: .zero,
        duration: .minutes(PopulationScenario.infusionMinutes))
    ])
    simulation = Simulation(disposition: Disposition(try subject.parameters()), schedule: schedule)
    grid = try TimeGrid(end: .hours(hours), step: .seconds(stepSeconds))
    thresholds = try PopulationScenario.catalogueThresholds()
  }

  /// What one run wrote.
  public struct Output: Sendable {
    public var rows: Int
    public var bytes: Int
    /// Peak on the grid (ng/mL).
    public var peak: Double
  }

  /// Writes the table; returns rows (header included), bytes and peak.
  public func run() throws -> Output {
    var bytes = 0
    var writer = CSVWriter { chunk in bytes += chunk.count }
    let course = TimeCourse(simulation: simulation, grid: grid, thresholds: thresholds)
    let peak = try course.write(to: &writer)
    return Output(rows: grid.count + 1, bytes: bytes, peak: peak.nanogramsPerMilliliter)
  }
}
