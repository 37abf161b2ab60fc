extension KernelWorkspace {
  /// Copies observed state `slot` of output row `row`, scaled per lane by
  /// `scales[lane]`, into `values[offset ..< offset + lanes]`.
  ///
  /// `+ 0.0` turns a −0.0 into +0.0, so that minima and maxima do not depend
  /// on the order values are compared in.
  func copyOutput(row: Int, slot: Int, scales: [Double], into values: inout [Double], at offset: Int) {
    precondition(scales.count >= lanes, "one scale per lane")
    precondition(offset >= 0 && offset + lanes <= values.count, "row does not fit")
    let base = (row * observedCount + slot) * stride
    precondition(base >= 0 && base + lanes <= output.count, "no such output row")
    let lanes = self.lanes
    output.withUnsafeBufferPointer { output in
      scales.withUnsafeBufferPointer { scale in
        values.withUnsafeMutableBufferPointer { values in
          let source = output.baseAddress! + base
          let target = values.baseAddress! + offset
          for lane in 0..<lanes { target[lane] = source[lane] * scale[lane] + 0.0 }
        }
      }
    }
  }

  // MARK: - Benchmarks' streaming access

  /// Calls `body` with ``rates`` for writing in place (a benchmark's input
  /// generator); the pointer is valid only inside `body`.
  @_spi(Benchmarks)
  public mutating func withUnsafeMutableRates<Result>(
    _ body: (UnsafeMutableBufferPointer<Double>) throws -> Result
  ) rethrows -> Result {
    try rates.withUnsafeMutableBufferPointer { try body($0) }
  }

  /// Calls `body` with ``output`` for reading (a benchmark's read-out); the
  /// pointer is valid only inside `body`.
  @_spi(Benchmarks)
  public func withUnsafeOutput<Result>(_ body: (UnsafeBufferPointer<Double>) throws -> Result) rethrows -> Result {
    try output.withUnsafeBufferPointer { try body($0) }
  }
}
