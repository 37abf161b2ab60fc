// swift-tools-version: 6.1
import Foundation
import PackageDescription

// A separate package so that `swift build` / `swift test` at the root never
// builds the measuring tools or package-benchmark. A path dependency's
// identity is its folder name, which differs between checkouts, so it is
// read here.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

let package = Package(
  name: "KetasimBenchmarks",
  dependencies: [
    .package(path: "..", traits: []),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // Naming only the MallocInterposer trait turns off the default
    // RuntimeInterposer trait, whose package is not needed here.
    .package(
      url: "https://github.com/ordo-one/benchmark", from: "1.38.1",
      traits: ["MallocInterposer"]),
  ],
  targets: [
    // MARK: - Workloads W1-W5

    /// The compute ceiling (a tight FMA loop) in C: the benchmarks' only code of their own.
    .target(name: "CBenchmarkKernels"),

    /// The workloads W1-W5, shared by the package-benchmark suite and the
    /// `ketasim-workloads` command that the peer comparison calls.
    .target(
      name: "BenchmarkWorkloads",
      dependencies: [
        "CBenchmarkKernels",
        .product(name: "KetasimCore", package: rootIdentity),
      ]
    ),

    /// Runs one workload and prints its figures as JSON (for peers/run.sh
    /// and for the README tables).
    .executableTarget(
      name: "ketasim-workloads",
      dependencies: [
        "BenchmarkWorkloads",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    /// The package-benchmark suite (`swift package benchmark`).
    .executableTarget(
      name: "KetasimBenchmarks",
      dependencies: [
        "BenchmarkWorkloads",
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/KetasimBenchmarks",
      plugins: [
        .plugin(name: "BenchmarkPlugin", package: "benchmark")
      ]
    ),

    // MARK: - Tests of the workloads' own algorithms

    .testTarget(
      name: "BenchmarkWorkloadsTests",
      dependencies: ["BenchmarkWorkloads", .product(name: "KetasimCore", package: rootIdentity)]
    ),

    // MARK: - Kernel crossover

    /// Measures lane-steps/s of the tiled and BLAS kernels by state count
    /// and lane count: the data behind `Kernel.blasCrossoverStates`.
    .executableTarget(
      name: "KernelCrossover",
      dependencies: [.product(name: "KetasimCore", package: rootIdentity)]
    ),
  ],
  swiftLanguageModes: [.v6]
)
