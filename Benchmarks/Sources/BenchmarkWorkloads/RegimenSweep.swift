import CBenchmarkKernels
import KetasimCore

/// W4, the regimen sweep: one patient (the scenario's typical 70-kg
/// subject), 10,000 single infusions (100 doses from 0.1 to 1.0 mg/kg times
/// 100 durations from 10 to 100 min, each rounded to whole seconds), 4 h on a
/// 1-s grid, each reduced to its peak and time above each threshold (on the
/// grid, as in W2).
///
/// Three methods, which give the same numbers (the counts exactly, the peaks
/// to rounding):
/// - ``Method/lanes``: every regimen is a lane of the tiled kernel with
///   the patient's shared transition and its own input rate per step;
/// - ``Method/superposition``: the model is linear and time-invariant, so an
///   infusion of rate r over d steps gives `r·(S[k] − S[k − d])`, where `S` is
///   the exact response to a unit rate started at zero (computed once by
///   ``Simulation``); each regimen is then one vectorised pass over the grid;
/// - ``Method/shapes``: the same superposition, but the regimens of one
///   duration share the shape `S[k] − S[k − d]`, which rises to its peak and
///   then falls (checked exactly; otherwise the method falls back to
///   ``Method/superposition`` for that duration). Scaling by a positive rate
///   keeps both runs monotone, so each dose's peak and counts above the
///   levels are binary searches: O(log steps) per regimen.
public struct RegimenSweep: Sendable {
  public enum Method: String, Sendable, CaseIterable {
    case lanes
    case superposition
    case shapes
  }

  /// One regimen: dose (mg/kg) and infusion duration (whole seconds).
  public struct Regimen: Sendable {
    public var milligramsPerKilogram: Double
    public var durationSeconds: Int
  }

  public let regimens: [Regimen]
  public let weightKilograms: Double
  public let stepSeconds: Int
  public let steps: Int
  public let thresholds: [NamedThreshold]
  private let subject: PopulationScenario.Subject

  /// The sweep: `doses` × `durations` regimens over `hours` on a grid of
  /// `stepSeconds`.
  public init(doses: Int = 100, durations: Int = 100, hours: Double = 4, stepSeconds: Int = 1) throws {
    precondition(doses >= 2 && durations >= 2, "at least two doses and two durations")
    weightKilograms = 70
    subject = PopulationScenario.typicalSubject(weightKilograms: weightKilograms)
    self.stepSeconds = stepSeconds
    steps = Int(hours * 3600) / stepSeconds
    var regimens: [Regimen] = []
    for d in 0..<durations {
      let minutes = 10 + 90 * Double(d) / Double(durations - 1)
      // Whole output steps, so the infusion ends on the grid.
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
    /// Peak plasma concentration (ng/mL) and its grid time (min).
    public var peak: [Double]
    public var peakMinutes: [Double]
    /// `minutesAbove[threshold][regimen]`.
    public var minutesAbove: [[Double]]
  }

  /// Infusion rate of a regimen (mg/min).
  func rate(_ regimen: Regimen) -> Double {
    regimen.milligramsPerKilogram * weightKilograms / (Double(regimen.durationSeconds) / 60)
  }

  public func run(_ method: Method) throws -> Result {
    switch method {
    case .lanes: return try runLanes()
    case .superposition: return try runSuperposition()
    case .shapes: return try runShapes()
    }
  }

  private func runLanes() throws -> Result {
    let dt = Double(stepSeconds) / 60
    let parameters = try subject.parameters()
    let lanes = regimens.count
    var batch = LaneBatch(
      transitions: [Disposition(parameters).transition(overMinutes: dt)], states: 2, lanes: lanes, kernel: .tiled)
    let input = InfusionInput(
      rates: regimens.map { rate($0) }, endSteps: regimens.map { $0.durationSeconds / stepSeconds })
    var reducer = GridSummaryReducer(
      scale: [Double](repeating: 1000 / parameters.centralVolume, count: lanes),
      levels: thresholds.map(\.nanogramsPerMilliliter))
    batch.run(steps: steps, input: input, into: &reducer)
    return Result(
      peak: reducer.peak, peakMinutes: reducer.peakIndex.map { $0 * dt },
      minutesAbove: reducer.stepsAbove.map { $0.map { $0 * dt } })
  }

  /// S: central amount (mg) at every grid time for 1 mg/min from time zero.
  private func unitResponse(_ parameters: PKParameters) throws -> [Double] {
    let dt = Double(stepSeconds) / 60
    let unit = try DosingSchedule([
      .infusion(milligramsPerMinute: 1, start: .zero, duration: .minutes(Double(steps) * dt + 1))
    ])
    let grid = try TimeGrid(end: .minutes(Double(steps) * dt), step: .seconds(Double(stepSeconds)))
    return Simulation(disposition: Disposition(parameters), schedule: unit).states(at: grid.times).map { $0[0] }
  }

  private func runShapes() throws -> Result {
    let dt = Double(stepSeconds) / 60
    let parameters = try subject.parameters()
    let response = try unitResponse(parameters)
    let levels = thresholds.map(\.nanogramsPerMilliliter)
    let toNanogramsPerMilliliter = 1000 / parameters.centralVolume
    let n = regimens.count
    var peak = [Double](repeating: 0, count: n)
    var peakStep = [Double](repeating: 0, count: n)
    var above = [Double](repeating: 0, count: levels.count * n)
    var shape = [Double](repeating: 0, count: response.count)
    var counts = [Double](repeating: 0, count: levels.count)
    // Regimens of one duration are consecutive (see init).
    var first = 0
    while first < n {
      var end = first
      while end < n && regimens[end].durationSeconds == regimens[first].durationSeconds { end += 1 }
      let doses = end - first
      let factors = regimens[first..<end].map { rate($0) * toNanogramsPerMilliliter }
      var groupPeak = [Double](repeating: 0, count: doses)
      var groupStep = [Double](repeating: 0, count: doses)
      var groupAbove = [Double](repeating: 0, count: levels.count * doses)
      let shift = Int64(regimens[first].durationSeconds / stepSeconds)
      let fallback = kb_shape_sweep(
        response, Int64(response.count), shift, factors, Int64(doses), levels, Int32(levels.count), &shape,
        &groupPeak, &groupStep, &groupAbove)
      for d in 0..<doses {
        if fallback != 0 {
          kb_superposition_summary(
            response, Int64(response.count), shift, factors[d], levels, Int32(levels.count), &groupPeak[d],
            &groupStep[d], &counts)
          for j in levels.indices { groupAbove[j * doses + d] = counts[j] }
        }
        peak[first + d] = groupPeak[d]
        peakStep[first + d] = groupStep[d]
        for j in levels.indices { above[j * n + first + d] = groupAbove[j * doses + d] }
      }
      first = end
    }
    return Result(
      peak: peak, peakMinutes: peakStep.map { $0 * dt },
      minutesAbove: (0..<levels.count).map { j in (0..<n).map { above[j * n + $0] * dt } })
  }

  private func runSuperposition() throws -> Result {
    let dt = Double(stepSeconds) / 60
    let parameters = try subject.parameters()
    let response = try unitResponse(parameters)
    let levels = thresholds.map(\.nanogramsPerMilliliter)
    let toNanogramsPerMilliliter = 1000 / parameters.centralVolume
    var peak = [Double](repeating: 0, count: regimens.count)
    var peakStep = [Double](repeating: 0, count: regimens.count)
    var above = [Double](repeating: 0, count: levels.count * regimens.count)
    var counts = [Double](repeating: 0, count: levels.count)
    for (index, regimen) in regimens.enumerated() {
      kb_superposition_summary(
        response, Int64(response.count), Int64(regimen.durationSeconds / stepSeconds),
        rate(regimen) * toNanogramsPerMilliliter, levels, Int32(levels.count), &peak[index], &peakStep[index], &counts)
      for j in levels.indices { above[j * regimens.count + index] = counts[j] }
    }
    return Result(
      peak: peak, peakMinutes: peakStep.map { $0 * dt },
      minutesAbove: (0..<levels.count).map { j in (0..<regimens.count).map { above[j * regimens.count + $0] * dt } })
  }
}

/// One infusion per lane from time zero: `rates[lane]` over steps
/// `0 ..< endSteps[lane]`, then nothing.
struct InfusionInput: LaneInput {
  let rates: [Double]
  let endSteps: [Int]

  func fill(first: Int, count: Int, stride: Int, into buffer: UnsafeMutableBufferPointer<Double>) {
    for k in 0..<count {
      let step = first + k
      for lane in rates.indices { buffer[k * stride + lane] = step < endSteps[lane] ? rates[lane] : 0 }
    }
  }
}
