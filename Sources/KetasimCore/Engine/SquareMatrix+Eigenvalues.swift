import Foundation

extension SquareMatrix {
  /// The eigenvalues of a real matrix when they are all real, or `nil` when the iteration meets a complex
  /// pair or does not converge.
  ///
  /// Householder reduction to upper Hessenberg form, then shifted QR sweeps (Givens rotations, Wilkinson
  /// shift with an exceptional shift every 10 sweeps) on the active block, deflating when a subdiagonal entry
  /// falls below `u·(|hᵢᵢ| + |hᵢ₋₁,ᵢ₋₁|)`. A trailing 2×2 block is solved directly; a negative discriminant
  /// means a complex pair. Reducible compartment matrices (a metabolite chain) deflate immediately, since
  /// their Hessenberg form already has zero subdiagonal entries. Backward stable: each eigenvalue is exact for
  /// a matrix within about `n·u·‖A‖` of `A`.
  func realEigenvalues() -> [Double]? {
    var h = hessenberg()
    var values: [Double] = []
    var hi = n - 1
    var sweeps = 0
    while hi >= 0 {
      if hi == 0 {
        values.append(h[0, 0])
        break
      }
      var l = hi
      while l > 0 {
        let scale = abs(h[l, l]) + abs(h[l - 1, l - 1])
        if abs(h[l, l - 1]) <= Double.ulpOfOne * (scale == 0 ? 1 : scale) {
          h[l, l - 1] = 0
          break
        }
        l -= 1
      }
      if l == hi {
        values.append(h[hi, hi])
        hi -= 1
        sweeps = 0
        continue
      }
      if l == hi - 1 {
        guard let pair = Self.realEigenvalues2x2(h[l, l], h[l, hi], h[hi, l], h[hi, hi]) else { return nil }
        values.append(pair.0)
        values.append(pair.1)
        hi -= 2
        sweeps = 0
        continue
      }
      sweeps += 1
      if sweeps > 200 { return nil }
      var shift = h[hi, hi]
      if sweeps % 10 == 0 {
        shift += abs(h[hi, hi - 1]) + abs(h[hi - 1, hi - 2])
      } else if let pair = Self.realEigenvalues2x2(h[hi - 1, hi - 1], h[hi - 1, hi], h[hi, hi - 1], h[hi, hi]) {
        shift = abs(pair.0 - h[hi, hi]) < abs(pair.1 - h[hi, hi]) ? pair.0 : pair.1
      }
      h.shiftedQRStep(lo: l, hi: hi, shift: shift)
    }
    return values
  }

  /// One explicit shifted QR sweep `H − μI = QR`, `H ← RQ + μI` on rows and columns `lo…hi`.
  private mutating func shiftedQRStep(lo: Int, hi: Int, shift: Double) {
    for i in lo...hi { self[i, i] -= shift }
    var rotations: [(c: Double, s: Double)] = []
    for k in lo..<hi {
      let a = self[k, k]
      let b = self[k + 1, k]
      let r = hypot(a, b)
      let c = r == 0 ? 1 : a / r
      let s = r == 0 ? 0 : b / r
      rotations.append((c, s))
      for j in k...hi {
        let x = self[k, j]
        let y = self[k + 1, j]
        self[k, j] = c * x + s * y
        self[k + 1, j] = -s * x + c * y
      }
    }
    for (offset, rotation) in rotations.enumerated() {
      let k = lo + offset
      for i in lo...min(k + 2, hi) {
        let x = self[i, k]
        let y = self[i, k + 1]
        self[i, k] = rotation.c * x + rotation.s * y
        self[i, k + 1] = -rotation.s * x + rotation.c * y
      }
    }
    for i in lo...hi { self[i, i] += shift }
  }

  /// Real eigenvalues of `[[a, b], [c, d]]`, or `nil` for a complex pair.
  private static func realEigenvalues2x2(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> (Double, Double)? {
    let half = (a - d) / 2
    let discriminant = half * half + b * c
    if discriminant < 0 { return nil }
    let root = discriminant.squareRoot()
    let mean = (a + d) / 2
    // The larger-magnitude root directly, the other from the determinant, to avoid cancellation.
    let big = mean + (mean >= 0 ? root : -root)
    let determinant = a * d - b * c
    let small = big == 0 ? 0 : determinant / big
    return (big, small)
  }

  /// Upper Hessenberg form by Householder reflections (similar to `self`).
  private func hessenberg() -> SquareMatrix {
    var h = self
    guard n > 2 else { return h }
    for k in 0..<(n - 2) {
      var norm = 0.0
      for i in (k + 1)..<n { norm = hypot(norm, h[i, k]) }
      if norm == 0 { continue }
      var v = [Double](repeating: 0, count: n)
      let alpha = h[k + 1, k] > 0 ? -norm : norm
      v[k + 1] = h[k + 1, k] - alpha
      for i in (k + 2)..<n { v[i] = h[i, k] }
      var vv = 0.0
      for i in (k + 1)..<n { vv += v[i] * v[i] }
      if vv == 0 { continue }
      for j in 0..<n {
        var dot = 0.0
        for i in (k + 1)..<n { dot += v[i] * h[i, j] }
        let f = 2 * dot / vv
        for i in (k + 1)..<n { h[i, j] -= f * v[i] }
      }
      for i in 0..<n {
        var dot = 0.0
        for j in (k + 1)..<n { dot += h[i, j] * v[j] }
        let f = 2 * dot / vv
        for j in (k + 1)..<n { h[i, j] -= f * v[j] }
      }
      for i in (k + 2)..<n { h[i, k] = 0 }
    }
    return h
  }
}
