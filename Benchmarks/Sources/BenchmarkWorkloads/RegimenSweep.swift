import KetasimCore

/// W4, the regimen sweep: one patient (the scenario's typical 70-kg subject), 10,000 single infusions
/// (100 doses from 0.1 to 1.0 mg/kg times 100 durations from 10 to 100 min, each rounded to whole seconds),
/// 4 h, each reduced to its peak and time above each threshold by the product's exact read-out
/// (`CurveReadout`, as `ketasim compare` and `ketasim population` compute it), not on a grid.
///
/// The patient's disposition (its eigen-decomposition) is built once, as a user sweeping regimens for one
/// patient would; each regimen then costs its schedule and its read-out.
public struct RegimenSweep: Sendable {
  /// One regimen: dose (mg/kg) and infusion duration (whole seconds).
  public struct Regimen: Sendable {
    public var milligramsPerKilogram: Double
    public var durationSeconds: Int
  }

  public let regimens: [Regimen]
  public let weightKilograms: Double
  /// The grid step the peers would use (s); the read-out itself has none.
  public let stepSeconds: Int
  public let steps: Int
  public let hours: Double
  public let thresholds: [NamedThreshold]
  private let subject: PopulationScenario.Subject

  /// The sweep: `doses` × `durations` regimens over `hours`.
  public init(doses: Int = 100, durations: Int = 100, hours: Double = 4, stepSeconds: Int = 1) throws {
    precondition(doses >= 2 && durations >= 2, "at least two doses and two durations")
    weightKilograms = 70
    subject = PopulationScenario.typicalSubject(weightKilograms: weightKilograms)
    self.stepSeconds = stepSeconds
    self.hours = hours
    steps = Int(hours * 3600) / stepSeconds
    var regimens: [Regimen] = []
    for d in 0..<durations {
      let minutes = 10 + 90 * Double(d) / Double(durations - 1)
      // Whole grid steps, so that a grid read-out of the same infusion ends on the grid.
      let seconds = Int((minutes * 60 / Double(stepSeconds)).rounded()) * stepSeconds
      for i in 0..<doses {
        regimens.append(
          Regimen(milligramsPerKilogram: 0.1 + 0.9 * Double(i) / Double(doses - 1), durationSeconds: seconds))
      }
    }
    self.regimens = regimens
    thresholds = try PopulationScenario.catalogueThresholds()
  }

  /// Per-regimen read-out.
  public struct Result: Sendable {
    /// Peak plasma concentration (ng/mL) and its time (min).
    public var peak: [Double]
    public var peakMinutes: [Double]
    /// `minutesAbove[threshold][regimen]`.
    public var minutesAbove: [[Double]]
  }

  /// Infusion rate of a regimen (mg/min).
  func rate(_ regimen: Regimen) -> Double {
    regimen.milligramsPerKilogram * weightKilograms / (Double(regimen.durationSeconds) / 60)
  }

  /// Reads out every regimen.
  public func run() throws -> Result {
    let disposition = Disposition(try subject.parameters())
    let end = ClockTime(minutes: hours * 60)
    var result = Result(
      peak: [], peakMinutes: [],
      minutesAbove: [[Double]](repeating: [], count: thresholds.count))
    result.peak.reserveCapacity(regimens.count)
    result.peakMinutes.reserveCapacity(regimens.count)
    for regimen in regimens {
      let schedule = try DosingSchedule([
        .infusion(
          milligramsPerMinute: rate(regimen), start: .zero,
          duration: ClockTime(minutes: Double(regimen.durationSeconds) / 60))
      ])
      let readout = CurveReadout(
        Simulation(disposition: disposition, schedule: schedule), site: .plasma, through: end, thresholds: thresholds)
      result.peak.append(readout.maximum)
      result.peakMinutes.append(readout.timeOfMaximum)
      for (j, times) in readout.thresholds.enumerated() { result.minutesAbove[j].append(times.minutesAbove) }
    }
    return result
  }
}
