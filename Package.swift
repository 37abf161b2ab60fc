// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "ketasim",
  products: [
    .library(name: "KetasimCore", targets: ["KetasimCore"]),
    .executable(name: "ketasim", targets: ["ketasim"]),
    // The C kernels, for Benchmarks/ only: no stable API.
    .library(name: "CKetasimKernels", targets: ["CKetasimKernels"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
  ],
  targets: [
    // MARK: - Public API

    /// The simulator: models, dosing, exact propagation, CSV.
    .target(
      name: "KetasimCore",
      dependencies: [
        "CKetasimKernels",
        .product(name: "Yams", package: "Yams"),
        .product(name: "SwiftCSV", package: "SwiftCSV"),
      ],
      plugins: ["EmbedModelCatalog"]
    ),

    /// The command-line front: parse, call KetasimCore, write.
    .executableTarget(
      name: "ketasim",
      dependencies: [
        "KetasimCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: - Implementation details

    /// OpenBLAS's CBLAS (Debian: libopenblas-dev, pkg-config `openblas`).
    .systemLibrary(
      name: "COpenBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]
    ),

    /// The hot-loop kernels in C: tiled SIMD, BLAS, scalar reference.
    .target(
      name: "CKetasimKernels",
      dependencies: ["COpenBLAS"]
    ),

    /// Turns `Models/*.yaml` into Swift source at build time, so that the
    /// built `ketasim` carries its catalogue wherever it is copied.
    .executableTarget(
      name: "ketasim-embed-models",
      path: "Sources/EmbedModels"
    ),
    .plugin(
      name: "EmbedModelCatalog",
      capability: .buildTool(),
      dependencies: ["ketasim-embed-models"],
      path: "Sources/EmbedModelCatalogPlugin"
    ),

    // MARK: - Tests

    .testTarget(
      name: "KetasimCoreTests",
      dependencies: ["KetasimCore", "CKetasimKernels"]
    ),
    .testTarget(
      name: "ketasimTests",
      dependencies: ["KetasimCore"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
