/// Steady state of a dose repeated at a fixed interval since long before
/// time zero (the NONMEM `SS=1` convention).
///
/// With `y(s)` the state `s` after one dose unit given at time 0 to an empty
/// body, the state just before the dose at time zero is
///
/// ```
/// x(0⁻) = Σ_{k≥1} y(kτ⁻)
///       = Σ_{kτ≤E} y(kτ⁻) + Φ(k₁τ − E)·(I − Φ(τ))⁻¹·y(E)
/// ```
///
/// where `E` is the end of the dose unit and `k₁τ` the first multiple of `τ`
/// after `E`: once a unit has ended its state decays by `Φ`, and the tail is
/// a geometric series. Earlier units that still give something at or after
/// time zero (an interval shorter than the infusion, or a bolus late in the
/// unit) leave those doses in ``carryOver``; the doses of the unit given at
/// zero itself are not included in either.
public struct SteadyState: Sendable {
  /// State just before time zero (a left limit: nothing given at zero is in it).
  public let state: SIMD4<Double>
  /// Parts of earlier doses still running at or after time zero.
  public let carryOver: [Dose]

  /// - Parameters:
  ///   - unit: the doses of one interval, timed from its start (≥ 0).
  ///   - interval: the dosing interval τ (> 0).
  public init(of unit: [Dose], every interval: ClockTime, disposition: Disposition) throws {
    guard interval > .zero else {
      throw KetasimError.invalidValue(
        "steady-state interval", "\(interval.minutes) min", accepted: "a positive interval")
    }
    let schedule = try DosingSchedule(unit)
    let end = schedule.end
    let single = Simulation(disposition: disposition, schedule: schedule)
    var state = SIMD4<Double>.zero
    var k: Int64 = 1
    // Units that still give something at or after time zero: their state
    // just before zero (a bolus landing exactly on zero belongs to zero, so
    // it is subtracted here and carried over, see carryOver(of:every:)).
    while interval * k <= end {
      let shift = interval * k
      var left = single.states(at: [shift])[0]
      for case .bolus(let amount, let time) in unit where time == shift { left[0] -= amount }
      state += left
      k += 1
    }
    // Units that ended before zero decay by Φ: a geometric series.
    let atEnd = single.states(at: [end])[0]
    let tail = disposition.transition(overMinutes: (interval * k - end).minutes)
      .apply(to: SteadyState.solveOnePeriod(disposition, interval, atEnd), rate: 0)
    self.state = state + tail
    self.carryOver = SteadyState.carryOver(of: unit, every: interval)
  }

  /// What the units given before time zero still give at or after it.
  ///
  /// That is the rest of infusions running across zero (from zero on) and
  /// boluses landing at or after zero. It depends on the doses only, not on
  /// the model.
  ///
  /// - Precondition: `interval` is positive.
  public static func carryOver(of unit: [Dose], every interval: ClockTime) -> [Dose] {
    precondition(interval > .zero, "the steady-state interval must be positive")
    let end = unit.map(\.end).max() ?? .zero
    var carryOver: [Dose] = []
    var k: Int64 = 1
    while interval * k <= end {
      let shift = interval * k
      for dose in unit {
        let moved = dose.shifted(by: .zero - shift)
        switch moved {
        case .bolus(_, let time) where time >= .zero:
          carryOver.append(moved)
        case .infusion(let rate, let start, _) where moved.end > .zero:
          let from = max(start, .zero)
          carryOver.append(.infusion(milligramsPerMinute: rate, start: from, duration: moved.end - from))
        default:
          break
        }
      }
      k += 1
    }
    return carryOver
  }

  /// Solves `(I − Φ(τ))·z = y` by Gaussian elimination with partial pivoting
  /// (at most 4 × 4; `I − Φ(τ)` is non-singular because every eigenvalue of
  /// `Φ(τ)` lies in (0, 1)).
  private static func solveOnePeriod(_ disposition: Disposition, _ interval: ClockTime, _ y: SIMD4<Double>)
    -> SIMD4<Double>
  {
    let n = disposition.stateCount
    let phi = disposition.transition(overMinutes: interval.minutes)
    var a = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: n)
    for i in 0..<n {
      for j in 0..<n { a[i][j] = (i == j ? 1 : 0) - phi.phi(i, j) }
      a[i][n] = y[i]
    }
    for column in 0..<n {
      let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
      a.swapAt(column, pivot)
      for row in (column + 1)..<n {
        let factor = a[row][column] / a[column][column]
        for j in column...n { a[row][j] -= factor * a[column][j] }
      }
    }
    var z = SIMD4<Double>.zero
    for row in stride(from: n - 1, through: 0, by: -1) {
      var sum = a[row][n]
      for j in (row + 1)..<n { sum -= a[row][j] * z[j] }
      z[row] = sum / a[row][row]
    }
    return z
  }
}
