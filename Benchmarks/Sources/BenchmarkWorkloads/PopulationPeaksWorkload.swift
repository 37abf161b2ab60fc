import KetasimCore

/// W2, the population summary: every subject of a ``PopulationScenario``
/// over 24 h on the scenario's grid, reduced to its peak plasma
/// concentration and the time spent above each threshold.
///
/// Subjects are lanes with their own one-step transitions (per-lane
/// parameters). All lanes share one input, 1 mg/min during the infusion: the
/// model is linear, so a subject's amounts are its own rate times the
/// response to that unit input, and the rate enters the per-lane factor that
/// converts amounts to ng/mL. Chunks of the kernel's output are folded into
/// running per-lane summaries as they come (``GridSummaryReducer``), so
/// memory stays at one chunk.
///
/// Read-outs are taken on the grid, as the peers compute them: the peak is
/// the largest grid value (with its grid time), and the time above a level is
/// the number of grid times strictly above it, times the step.
///
/// `init` does the set-up (individual transitions, buffers); ``run()`` is
/// the time loop and allocates nothing.
public struct PopulationPeaksWorkload {
  /// How the read-out is computed.
  public enum Method: String, Sendable, CaseIterable {
    /// ketasim's lane kernel storing each chunk, then ``GridSummaryReducer``.
    case kernel
    /// The read-out inside the tile (``FusedSummary``); no peak time.
    case fused
  }

  public let scenario: PopulationScenario
  public let kernel: Kernel
  public let method: Method
  private var batch: LaneBatch?
  private var reducer: GridSummaryReducer?
  private var fused: FusedSummary?
  private let rates: [Double]

  /// - Parameters:
  ///   - kernel: the ketasim kernel for ``Method/kernel``.
  public init(_ scenario: PopulationScenario, method: Method = .kernel, kernel: Kernel = .tiled) throws {
    self.scenario = scenario
    self.kernel = kernel
    self.method = method
    let dt = scenario.stepSeconds / 60
    let transitions = try scenario.subjects.map { try Disposition($0.parameters()).transition(overMinutes: dt) }
    let scale = scenario.subjects.map { $0.rateMilligramsPerMinute * 1000 / $0.v1 }
    let levels = scenario.thresholds.map(\.nanogramsPerMilliliter)
    rates = (0..<scenario.steps).map { $0 < scenario.infusionSteps ? 1.0 : 0.0 }
    switch method {
    case .kernel:
      batch = LaneBatch(transitions: transitions, states: 2, lanes: scenario.subjects.count, kernel: kernel)
      reducer = GridSummaryReducer(scale: scale, levels: levels)
    case .fused:
      // The fused tile tracks levels in ascending order.
      fused = FusedSummary(transitions: transitions, states: 2, scale: scale, levels: levels.sorted())
    }
  }

  /// Simulates every subject from time zero and folds the read-outs.
  public mutating func run() {
    if method == .fused {
      fused!.run(rates: rates)
      return
    }
    batch!.reset()
    reducer!.reset()
    batch!.run(rates: rates, into: &reducer!)
  }

  /// Peak plasma concentration per subject (ng/mL).
  public var peak: [Double] { fused?.peak ?? reducer!.peak }

  /// Grid time of each subject's peak (min; the first, on ties); `nil` for
  /// the fused read-out.
  public var peakMinutes: [Double]? { reducer.map { $0.peakIndex.map { $0 * scenario.stepSeconds / 60 } } }

  /// Minutes above each threshold, in the scenario's threshold order:
  /// `minutesAbove[threshold][subject]`.
  public var minutesAbove: [[Double]] {
    let dt = scenario.stepSeconds / 60
    if let fused {
      let sorted = scenario.thresholds.map(\.nanogramsPerMilliliter).sorted()
      let steps = fused.stepsAbove
      return scenario.thresholds.map { threshold in
        steps[sorted.firstIndex(of: threshold.nanogramsPerMilliliter)!].map { $0 * dt }
      }
    }
    return reducer!.stepsAbove.map { $0.map { $0 * dt } }
  }
}
