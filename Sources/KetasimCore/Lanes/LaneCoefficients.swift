/// The one-step coefficients `x ← Φx + Γu` of many lanes, laid out as the C
/// kernels read them.
///
/// Shared by all lanes: `phi` is Φ row-major (m × m) and `gamma` is Γ (m).
/// Per lane (structure of arrays): `phi[(i·m + j)·stride + lane]` is Φᵢⱼ of
/// `lane` and `gamma[i·stride + lane]` is its Γᵢ; the padding lanes up to
/// `stride` are zero.
@_spi(Benchmarks)
public struct LaneCoefficients: Sendable {
  /// Φ in the layout above.
  public let phi: [Double]
  /// Γ (the response to 1 mg/min over the step) in the layout above.
  public let gamma: [Double]

  /// `lanes` rounded up to whole tiles of `tile` lanes: the row length of
  /// every per-lane array the kernels read.
  public static func stride(lanes: Int, tile: Int = KernelWorkspace.tileLanes) -> Int {
    precondition(lanes >= 1 && tile >= 1, "at least one lane and a positive tile")
    return (lanes + tile - 1) / tile * tile
  }

  /// Coefficients already in the layout above (measuring tools that
  /// generate random systems).
  public init(phi: [Double], gamma: [Double]) {
    self.phi = phi
    self.gamma = gamma
  }

  /// One transition for every lane.
  @_specialize(where Step == Transition)
  public init<Step: LinearStep>(shared transition: borrowing Step, states: Int) {
    var phi = [Double](repeating: 0, count: states * states)
    var gamma = [Double](repeating: 0, count: states)
    for i in 0..<states {
      gamma[i] = transition.input[i]
      for j in 0..<states { phi[i * states + j] = transition.phi(i, j) }
    }
    self.phi = phi
    self.gamma = gamma
  }

  /// One transition per lane, `transitions[lane]`, in rows of `stride`.
  @_specialize(where Step == Transition)
  public init<Step: LinearStep>(perLane transitions: [Step], states: Int, stride: Int) {
    precondition(transitions.count <= stride, "more lanes than the stride holds")
    var phi = [Double](repeating: 0, count: states * states * stride)
    var gamma = [Double](repeating: 0, count: states * stride)
    for (lane, t) in transitions.enumerated() {
      for i in 0..<states {
        gamma[i * stride + lane] = t.input[i]
        for j in 0..<states { phi[(i * states + j) * stride + lane] = t.phi(i, j) }
      }
    }
    self.phi = phi
    self.gamma = gamma
  }
}
