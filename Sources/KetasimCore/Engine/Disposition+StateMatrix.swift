extension Disposition {
  /// The model as a linear system, `x' = A·x + b·u`, in the engine's state
  /// layout: amounts of compartments 1…n (mg), then the effect-site
  /// concentration (mg/L) when the model has one; `u` is the infusion rate
  /// into the central compartment (mg/min).
  ///
  /// ```
  ///     ⎡−(k10+k12+k13)  k21   k31    0  ⎤        ⎡1⎤
  /// A = ⎢      k12      −k21    0     0  ⎥    b = ⎢0⎥
  ///     ⎢      k13        0   −k31    0  ⎥        ⎢0⎥
  ///     ⎣    ke0/V1       0     0   −ke0 ⎦        ⎣0⎦
  /// ```
  ///
  /// `rows[i]` is row `i` of `A` (1/min; the effect row's first entry is
  /// ke0/V1 in 1/(L·min)); unused lanes are zero. The read-out uses it to
  /// differentiate a concentration exactly: `d/dt (r·x) = (r·A)·x + (r·b)·u`.
  public var stateMatrix: (rows: [SIMD4<Double>], input: SIMD4<Double>) {
    let rates = parameters.distributionRates
    var rows = [SIMD4<Double>](repeating: .zero, count: stateCount)
    rows[0][0] = -(parameters.k10 + rates.reduce(0) { $0 + $1.outOfCentral })
    for (j, rate) in rates.enumerated() {
      rows[0][j + 1] = rate.backToCentral
      rows[j + 1][0] = rate.outOfCentral
      rows[j + 1][j + 1] = -rate.backToCentral
    }
    if let effect = effectSiteIndex, let ke0 = parameters.ke0 {
      rows[effect][0] = ke0 / parameters.centralVolume
      rows[effect][effect] = -ke0
    }
    return (rows, SIMD4<Double>(1, 0, 0, 0))
  }

  /// The eigenvalues of ``stateMatrix`` (1/min), with multiplicity.
  ///
  /// Those of the compartments, then `−ke0` for the effect site. Every concentration
  /// in a span of constant input is a constant plus a combination of
  /// `e^{μt}` over these `μ` (times `t` where one repeats).
  public var stateEigenvalues: [Double] {
    eigenvalues + (parameters.ke0.map { [-$0] } ?? [])
  }
}
