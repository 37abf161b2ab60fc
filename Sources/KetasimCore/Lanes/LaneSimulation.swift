/// Many lanes (subjects or regimens) of one model structure, simulated on a
/// uniform output grid by the C kernels.
///
/// Each lane has its own parameters (or all share one set) and its own
/// dosing (or all share one schedule). The grid is walked with the exact
/// one-step transition `x ← Φ(h)x + Γ(h)u`, where `h` is the output step,
/// or a divisor of it when a dose falls between output times: the internal
/// step is the greatest common divisor (in microseconds) of the output step,
/// the run's end and every dose time, so dose events always fall on a step
/// boundary and the recursion stays exact.
///
/// This is the batched path. A single patient is simulated with
/// ``Simulation``, which evaluates each output from the last dose event and
/// never calls BLAS per step.
public struct LaneSimulation<System: LinearSystem>: Sendable {
  public let dispositions: [System]
  public let schedules: [DosingSchedule]
  public let grid: TimeGrid
  /// Number of lanes.
  public let lanes: Int
  /// Internal step (divides the output step).
  public let internalStep: ClockTime

  /// Most internal steps allowed per output step before the run is refused.
  public static var maximumSubsteps: Int64 { 10_000 }

  /// - Parameters:
  ///   - dispositions: one per lane, or a single one shared by all lanes.
  ///   - schedules: one per lane, or a single one shared by all lanes.
  ///   - lanes: the number of lanes.
  /// - Throws: ``KetasimError`` when the lane counts do not match, the
  ///   models differ in structure, or dose times would need more than
  ///   ``maximumSubsteps`` internal steps per output step.
  public init(dispositions: [System], schedules: [DosingSchedule], lanes: Int, grid: TimeGrid) throws {
    guard lanes >= 1 else { throw KetasimError.invalidValue("lane count", "\(lanes)", accepted: "at least 1") }
    guard dispositions.count == 1 || dispositions.count == lanes,
      schedules.count == 1 || schedules.count == lanes
    else {
      throw KetasimError.invalidValue(
        "lane inputs", "\(dispositions.count) models, \(schedules.count) schedules",
        accepted: "one of each shared by all lanes, or one per lane (\(lanes))")
    }
    let structure = dispositions[0]
    guard
      dispositions.allSatisfy({
        $0.stateCount == structure.stateCount && $0.inputIndex == structure.inputIndex
          && $0.observations.map(\.stateIndex) == structure.observations.map(\.stateIndex)
      })
    else {
      throw KetasimError.invalidValue(
        "lane models", "mixed structures", accepted: "the same compartment count and effect site in every lane")
    }
    var step = grid.step.microseconds
    func gcd(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? a : gcd(b, a % b) }
    step = gcd(step, grid.end.microseconds % grid.step.microseconds)
    for schedule in schedules {
      for breakpoint in schedule.breakpoints { step = gcd(step, breakpoint.time.microseconds % grid.step.microseconds) }
    }
    guard grid.step.microseconds / step <= LaneSimulation.maximumSubsteps else {
      throw KetasimError.invalidValue(
        "dose times", "not on the \(grid.step.minutes)-min output grid",
        accepted: "dose times that fall on a grid of at most \(LaneSimulation.maximumSubsteps) steps per output step")
    }
    self.dispositions = dispositions
    self.schedules = schedules
    self.grid = grid
    self.lanes = lanes
    self.internalStep = ClockTime(microseconds: step)
  }

  /// Number of states per lane.
  public var stateCount: Int { dispositions[0].stateCount }

  /// Every observation at every grid time for every lane (see ``LaneResult``).
  public typealias Result = LaneResult

}
