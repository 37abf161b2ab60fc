import CKetasimKernels

extension KernelWorkspace {
  /// Name of the OpenBLAS core in use (for benchmark reports).
  @_spi(Benchmarks)
  public static var blasCoreName: String { String(cString: ks_blas_core_name()) }

  /// Sets the OpenBLAS thread count (ketasim parallelises above BLAS).
  @_spi(Benchmarks)
  public static func setBLASThreads(_ threads: Int) {
    precondition(threads >= 1, "at least one thread")
    ks_blas_set_threads(Int32(threads))
  }
}
