import ArgumentParser
import KetasimCore

/// `simulate --kernel auto|tiled|blas|scalar`.
extension Kernel: ArgumentChoices {
  static let optionName = "kernel"
  static let acceptedText = "auto, tiled, blas or scalar"
}
