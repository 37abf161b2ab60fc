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
/// keeps a bracket `[a, b]` around its previous value. One counting pass over
/// the row gives `#{x < a}` and `#{x ≤ b}` for every bracket; when the
/// wanted order statistics fall between the two counts, only the few values
/// inside the bracket are gathered and sorted. A bracket that misses is
/// widened and the row is counted again, so the result is always exact; the
/// bracket's width adapts to keep a few dozen values inside it.
public struct ExactPercentiles {
  public let fractions: [Double]
  private var center: [Double]
  private var width: [Double]
  private var previous: [Double]
  private var edges: [Double]
  private var below: [Int64]
  private var atMost: [Int64]
  private var candidates: [Double]
  private var pending: [Bool]
  /// Values gathered per percentile that the width aims at.
  private static let target = 48

  /// - Parameter fractions: percentiles as fractions in [0, 1] (0.05 for the
  ///   5th percentile).
  public init(fractions: [Double]) {
    precondition(fractions.allSatisfy { (0...1).contains($0) }, "percentiles are fractions in [0, 1]")
    self.fractions = fractions
    center = [Double](repeating: 0, count: fractions.count)
    width = [Double](repeating: 0, count: fractions.count)
    previous = [Double](repeating: 0, count: fractions.count)
    edges = [Double](repeating: 0, count: 2 * fractions.count)
    below = [Int64](repeating: 0, count: 2 * fractions.count)
    atMost = [Int64](repeating: 0, count: 2 * fractions.count)
    candidates = []
    pending = [Bool](repeating: false, count: fractions.count)
  }

  /// Forgets the previous row (the next one is bracketed from scratch).
  public mutating func reset() {
    for p in fractions.indices {
      center[p] = 0
      width[p] = 0
      previous[p] = 0
    }
  }

  /// The percentiles of `values`, in the order of ``fractions``.
  ///
  /// They are written to `result`, which must hold `fractions.count`
  /// values. Allocates nothing once the first row has sized the scratch
  /// buffer.
  public mutating func evaluate(_ values: UnsafeBufferPointer<Double>, into result: UnsafeMutablePointer<Double>) {
    let n = values.count
    precondition(n >= 1, "percentiles of no values")
    if candidates.count < n { candidates = [Double](repeating: 0, count: n) }
    for p in fractions.indices { pending[p] = true }
    var remaining = fractions.count
    var attempts = 0
    while remaining > 0 {
      attempts += 1
      for p in fractions.indices where pending[p] {
        // After a few misses, take every value: always exact, just slower.
        let w = attempts > 3 ? Double.infinity : width[p]
        edges[2 * p] = center[p] - w
        edges[2 * p + 1] = center[p] + w
      }
      kb_count_edges(values.baseAddress, Int64(n), edges, Int32(edges.count), &below, &atMost)
      for p in fractions.indices where pending[p] {
        let h = Double(n - 1) * fractions[p]
        let i = Int(h.rounded(.down))
        let j = min(i + 1, n - 1)
        let low = Int(below[2 * p])
        let high = Int(atMost[2 * p + 1])
        guard low <= i, j < high else {
          // Widen, and move towards the side that missed.
          width[p] = max(width[p] * 4, abs(center[p]) * 1e-3)
          center[p] += i < low ? -width[p] / 2 : width[p] / 2
          continue
        }
        let edgeLow = edges[2 * p]
        let edgeHigh = edges[2 * p + 1]
        let found = candidates.withUnsafeMutableBufferPointer { buffer in
          let found = Int(
            kb_gather_between(values.baseAddress, Int64(n), edgeLow, edgeHigh, buffer.baseAddress, Int64(n)))
          kb_sort(buffer.baseAddress, Int64(found))
          result[p] = ExactPercentiles.interpolate(buffer[i - low], buffer[j - low], h - Double(i))
          return found
        }
        pending[p] = false
        remaining -= 1
        // Next row: extrapolate linearly from the last two values; keep about
        // `target` values inside, and at least half the last change.
        let value = result[p]
        let change = value - previous[p]
        previous[p] = value
        center[p] = value + change
        let span = edgeHigh - edgeLow
        if span.isFinite, found > 4 * ExactPercentiles.target || found < ExactPercentiles.target / 4 {
          width[p] = span * Double(ExactPercentiles.target) / (2 * Double(found))
        } else if !span.isFinite {
          width[p] = 0
        }
        width[p] = max(width[p], abs(change) / 2)
      }
    }
  }

  /// NumPy's `_lerp`: `a + (b − a)·t`, computed from the nearer end.
  static func interpolate(_ a: Double, _ b: Double, _ t: Double) -> Double {
    let difference = b - a
    return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
  }
}
