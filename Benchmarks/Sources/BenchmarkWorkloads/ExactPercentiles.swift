import CBenchmarkKernels

/// Exact percentiles of one row of values after another, where each row is
/// close to the previous one (a population's concentrations at successive
/// grid times).
///
/// The definition is NumPy's default (`method="linear"`, Hyndman and Fan
/// type 7): for a fraction `p` of `n` sorted values `x₀ ≤ … ≤ xₙ₋₁`,
/// `h = (n − 1)·p`, `i = ⌊h⌋` and the percentile is `xᵢ + (h − i)(xᵢ₊₁ − xᵢ)`.
///
/// Instead of selecting among all `n` values for every row, each percentile
/// keeps a bracket `[a, b]` around the value it predicts from the previous
/// two rows (linear extrapolation). One pass over the row (`kb_bracket_pass`) counts `#{x < a}` and
/// `#{x ≤ b}` for every bracket and copies out the values inside; when the
/// wanted order statistics fall between the two counts, only those few
/// values are sorted. A bracket that misses is extended on the side the
/// counts point to and the row passed again; after eight misses the bracket
/// takes every value. The result is
/// therefore always exact; the bracket's width adapts to keep a few dozen
/// values inside it.
public struct ExactPercentiles {
  public let fractions: [Double]
  private var center: [Double]
  private var width: [Double]
  private var previous: [Double]
  private var low: [Double]
  private var high: [Double]
  private var below: [Int64]
  private var atMost: [Int64]
  private var found: [Int64]
  private var candidates: [Double]
  private var capacity = 0
  private var pending: [Bool]
  /// Values inside a bracket that the width aims at.
  private static let target = 24

  /// - Parameter fractions: percentiles as fractions in [0, 1] (0.05 for the
  ///   5th percentile), at most `KB_MAX_BRACKETS` of them.
  public init(fractions: [Double]) {
    precondition(fractions.allSatisfy { (0...1).contains($0) }, "percentiles are fractions in [0, 1]")
    precondition(fractions.count <= Int(KB_MAX_BRACKETS), "at most \(KB_MAX_BRACKETS) percentiles")
    self.fractions = fractions
    let count = fractions.count
    center = [Double](repeating: 0, count: count)
    width = [Double](repeating: 0, count: count)
    previous = [Double](repeating: 0, count: count)
    low = [Double](repeating: 0, count: count)
    high = [Double](repeating: 0, count: count)
    below = [Int64](repeating: 0, count: count)
    atMost = [Int64](repeating: 0, count: count)
    found = [Int64](repeating: 0, count: count)
    candidates = []
    pending = [Bool](repeating: false, count: count)
  }

  /// Forgets the previous rows (the next one is bracketed from scratch).
  public mutating func reset() {
    for p in fractions.indices {
      center[p] = 0
      width[p] = 0
      previous[p] = 0
    }
  }

  /// Makes room for rows of `n` values (call before a timed loop: the first
  /// call with a larger `n` allocates).
  public mutating func reserve(_ n: Int) {
    guard capacity < n else { return }
    capacity = n
    candidates = [Double](repeating: 0, count: fractions.count * n)
  }

  /// The percentiles of the row `v[l] = row[l]·scale[l]`, `l < n`, in the
  /// order of ``fractions``.
  ///
  /// They are written to `result` (`fractions.count` values); the number of
  /// values strictly above each of `levels` goes to `above` (`levels.count`
  /// values).
  public mutating func evaluate(
    row: UnsafePointer<Double>, scale: UnsafePointer<Double>, count n: Int, levels: [Double],
    above: UnsafeMutablePointer<Int64>, into result: UnsafeMutablePointer<Double>
  ) {
    precondition(n >= 1, "percentiles of no values")
    reserve(n)
    for p in fractions.indices { pending[p] = true }
    var remaining = fractions.count
    var attempts = 0
    while remaining > 0 {
      attempts += 1
      if attempts == 1 {
        for p in fractions.indices {
          low[p] = center[p] - width[p]
          high[p] = center[p] + width[p]
        }
      } else if attempts > 8 {
        for p in fractions.indices where pending[p] {
          low[p] = -.infinity
          high[p] = .infinity
        }
      }
      let capacity = self.capacity
      candidates.withUnsafeMutableBufferPointer { out in
        kb_bracket_pass(
          row, scale, Int64(n), low, high, Int32(fractions.count), out.baseAddress, Int64(capacity), &below,
          &atMost, &found, levels, Int32(levels.count), above)
      }
      for p in fractions.indices where pending[p] {
        let h = Double(n - 1) * fractions[p]
        let i = Int(h.rounded(.down))
        let j = min(i + 1, n - 1)
        let first = Int(below[p])
        let last = Int(atMost[p])
        guard first <= i, j < last else {
          // Missed: the counts say on which side. Extend the bracket that
          // way by four times its width (at least 1e-3 of its value).
          let step = 4 * max(high[p] - low[p], 1e-3 * max(abs(low[p]), abs(high[p])), .leastNormalMagnitude)
          if i < first { low[p] -= step }
          if j >= last { high[p] += step }
          continue
        }
        let inside = Int(found[p])
        if low[p] == high[p] {
          result[p] = low[p]  // every value inside equals it: nothing to sort
        } else {
          candidates.withUnsafeMutableBufferPointer { buffer in
            let values = buffer.baseAddress! + p * capacity
            kb_sort(values, Int64(inside))
            result[p] = ExactPercentiles.interpolate(values[i - first], values[j - first], h - Double(i))
          }
        }
        pending[p] = false
        remaining -= 1
        // Next row: extrapolate linearly from the last two values; keep about
        // `target` values inside, and at least twice this row's prediction
        // error.
        let value = result[p]
        let error = attempts == 1 ? abs(value - center[p]) : 0
        let change = value - previous[p]
        previous[p] = value
        center[p] = value + change
        let span = high[p] - low[p]
        if !span.isFinite {
          width[p] = 0
        } else if inside > 4 * ExactPercentiles.target || inside < ExactPercentiles.target / 4 {
          width[p] = span * Double(ExactPercentiles.target) / (2 * Double(inside))
        }
        width[p] = max(width[p], 2 * error)
      }
    }
  }

  /// NumPy's `_lerp`: `a + (b − a)·t`, computed from the nearer end.
  static func interpolate(_ a: Double, _ b: Double, _ t: Double) -> Double {
    let difference = b - a
    return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
  }
}
