import Foundation

/// A small dense square matrix of `Double`, row-major, for the general propagation path (n ≤ 17).
struct SquareMatrix: Sendable, Equatable {
  let n: Int
  var storage: [Double]

  init(zeros n: Int) {
    self.n = n
    storage = [Double](repeating: 0, count: n * n)
  }

  init(identity n: Int) {
    self.init(zeros: n)
    for i in 0..<n { storage[i * n + i] = 1 }
  }

  init(rows: [[Double]]) {
    n = rows.count
    precondition(rows.allSatisfy { $0.count == rows.count }, "SquareMatrix needs square rows")
    storage = rows.flatMap { $0 }
  }

  subscript(i: Int, j: Int) -> Double {
    get { storage[i * n + j] }
    set { storage[i * n + j] = newValue }
  }

  var rows: [[Double]] { (0..<n).map { i in Array(storage[i * n..<(i + 1) * n]) } }

  /// The 1-norm (largest absolute column sum).
  var oneNorm: Double {
    var best = 0.0
    for j in 0..<n {
      var column = 0.0
      for i in 0..<n { column += abs(self[i, j]) }
      best = max(best, column)
    }
    return best
  }

  static func * (a: SquareMatrix, b: SquareMatrix) -> SquareMatrix {
    precondition(a.n == b.n, "SquareMatrix product needs equal sizes")
    let n = a.n
    var c = SquareMatrix(zeros: n)
    for i in 0..<n {
      for k in 0..<n {
        let aik = a.storage[i * n + k]
        if aik == 0 { continue }
        for j in 0..<n { c.storage[i * n + j] += aik * b.storage[k * n + j] }
      }
    }
    return c
  }

  static func + (a: SquareMatrix, b: SquareMatrix) -> SquareMatrix {
    var c = a
    for k in c.storage.indices { c.storage[k] += b.storage[k] }
    return c
  }

  static func - (a: SquareMatrix, b: SquareMatrix) -> SquareMatrix {
    var c = a
    for k in c.storage.indices { c.storage[k] -= b.storage[k] }
    return c
  }

  static func * (s: Double, a: SquareMatrix) -> SquareMatrix {
    var c = a
    for k in c.storage.indices { c.storage[k] *= s }
    return c
  }

  /// Solves `self · X = B` by LU factorisation with partial pivoting; `nil` when a pivot is exactly zero.
  func solve(_ b: SquareMatrix) -> SquareMatrix? {
    var lu = self
    var x = b
    for k in 0..<n {
      var pivot = k
      for i in (k + 1)..<max(k + 1, n) where abs(lu[i, k]) > abs(lu[pivot, k]) { pivot = i }
      if lu[pivot, k] == 0 { return nil }
      if pivot != k {
        for j in 0..<n {
          lu.storage.swapAt(k * n + j, pivot * n + j)
          x.storage.swapAt(k * n + j, pivot * n + j)
        }
      }
      let d = lu[k, k]
      for i in (k + 1)..<max(k + 1, n) {
        let f = lu[i, k] / d
        if f == 0 { continue }
        for j in k..<n { lu[i, j] -= f * lu[k, j] }
        for j in 0..<n { x[i, j] -= f * x[k, j] }
      }
    }
    for j in 0..<n {
      for i in stride(from: n - 1, through: 0, by: -1) {
        var s = x[i, j]
        for k in (i + 1)..<max(i + 1, n) { s -= lu[i, k] * x[k, j] }
        x[i, j] = s / lu[i, i]
      }
    }
    return x
  }
}
