import KetasimCore

/// W2, the population summary, through the product's read-out: every subject of a ``PopulationScenario``
/// over 24 h, reduced to its peak plasma concentration, the time of the peak and the time above each
/// threshold by `CurveReadout`, the read-out `ketasim population` writes for each subject.
///
/// The read-out is exact and continuous: each subject's curve is cut where its derivative vanishes, and
/// each threshold crossing is found by Newton steps on the exact solution, so the scenario's step does not
/// enter it. The peers read out on their grid (the peak is the largest grid value; the time above a level
/// is the count of grid times above it, times the step), so the comparison allows one step per crossing.
///
/// ``run()`` does all of a subject's work from its parameters: the disposition (its eigen-decomposition),
/// the dosing schedule and the read-out, as the peers start from the parameters too.
public struct PopulationPeaksWorkload {
  public let scenario: PopulationScenario
  /// Peak plasma concentration per subject (ng/mL).
  public private(set) var peak: [Double]
  /// Time of each subject's peak (min; the first, on ties).
  public private(set) var peakMinutes: [Double]
  /// Minutes above each threshold, in the scenario's threshold order: `minutesAbove[threshold][subject]`.
  public private(set) var minutesAbove: [[Double]]
  private let end: ClockTime

  public init(_ scenario: PopulationScenario) {
    self.scenario = scenario
    let count = scenario.subjects.count
    peak = [Double](repeating: 0, count: count)
    peakMinutes = [Double](repeating: 0, count: count)
    minutesAbove = [[Double]](
      repeating: [Double](repeating: 0, count: count), count: scenario.thresholds.count)
    end = ClockTime(minutes: PopulationScenario.durationMinutes)
  }

  /// Reads out every subject from its parameters.
  public mutating func run() throws {
    let infusion = ClockTime(minutes: PopulationScenario.infusionMinutes)
    for (index, subject) in scenario.subjects.enumerated() {
      let simulation = Simulation(
        disposition: Disposition(try subject.parameters()),
        schedule: try DosingSchedule([
          .infusion(milligramsPerMinute: subject.rateMilligramsPerMinute, start: .zero, duration: infusion)
        ]))
      let readout = CurveReadout(simulation, site: .plasma, through: end, thresholds: scenario.thresholds)
      peak[index] = readout.maximum
      peakMinutes[index] = readout.timeOfMaximum
      for (j, times) in readout.thresholds.enumerated() { minutesAbove[j][index] = times.minutesAbove }
    }
  }
}
