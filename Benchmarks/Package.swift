// swift-tools-version: 6.1
import Foundation
import PackageDescription

// A separate package so that `swift build` / `swift test` at the root never
// builds the measuring tools. A path dependency's identity is its folder
// name, which differs between checkouts, so it is read here.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

let package = Package(
  name: "KetasimBenchmarks",
  dependencies: [
    .package(path: "..")
  ],
  targets: [
    /// Measures lane-steps/s of the tiled and BLAS kernels by state count
    /// and lane count: the data behind `Kernel.blasCrossoverStates`.
    .executableTarget(
      name: "KernelCrossover",
      dependencies: [.product(name: "CKetasimKernels", package: rootIdentity)]
    )
  ],
  swiftLanguageModes: [.v6]
)
