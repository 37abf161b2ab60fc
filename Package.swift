// swift-tools-version: 6.2
import PackageDescription

/// The project's own targets build without warnings: a new warning fails the
/// build (dependencies are not affected; SwiftPM applies this to root targets).
let strictSwift: [SwiftSetting] = [.treatAllWarnings(as: .error)]
let strictC: [CSetting] = [.treatAllWarnings(as: .error)]

/// The release `ketasim` carries the Swift runtime and Foundation inside it.
///
/// As `swift build --static-swift-stdlib` does: the module that imports them is compiled against the static
/// runtime (whose modules name every library to link) and linked with `-static-stdlib`. Loading and binding
/// their shared libraries was about half of every command's start-up (`ketasim --version` 11.4 → 6.3 ms of
/// CPU). Debug builds and the tests link them as shared libraries. SwiftPM applies unsafe flags to a root
/// package only: a package that depends on ketasim builds it with the shared runtime.
let staticRuntime = BuildSettingCondition.when(platforms: [.linux], configuration: .release)

let package = Package(
  name: "ketasim",
  products: [
    .library(name: "KetasimCore", targets: ["KetasimCore"]),
    .library(name: "KetasimRender", targets: ["KetasimRender"]),
    .executable(name: "ketasim", targets: ["ketasim"]),
  ],
  traits: [
    .trait(
      name: "Server",
      description: "`ketasim serve`: the local web page and JSON API (Hummingbird). Packages that only need the "
        + "engine or the command line's batch commands depend on ketasim with `traits: []`."),
    .default(enabledTraits: ["Server"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
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
      swiftSettings: strictSwift,
      plugins: ["EmbedModelCatalog"]
    ),

    /// Pictures as PNG and PDF: the library's SVG drawn by librsvg and cairo.
    .target(
      name: "KetasimRender",
      dependencies: ["KetasimCore", "CRender"],
      swiftSettings: strictSwift
    ),

    /// `ketasim serve`: the page (assets embedded) and the JSON API on Hummingbird.
    .target(
      name: "KetasimServer",
      dependencies: [
        "KetasimCore",
        "KetasimRender",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      exclude: ["Page"],
      swiftSettings: strictSwift,
      plugins: ["EmbedWebAssets"]
    ),

    /// The command-line front: parse, call KetasimCore, write.
    .executableTarget(
      name: "ketasim",
      dependencies: [
        "KetasimCore",
        "KetasimRender",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .target(name: "KetasimServer", condition: .when(traits: ["Server"])),
      ],
      swiftSettings: strictSwift + [.unsafeFlags(["-static-stdlib"], staticRuntime)],
      linkerSettings: [.unsafeFlags(["-static-stdlib"], staticRuntime)]
    ),

    // MARK: - Implementation details

    /// The calls into librsvg and cairo, which it opens on the first picture drawn (Debian: librsvg2-2).
    .target(
      name: "CRender",
      cSettings: strictC
    ),

    /// librsvg and cairo's headers and libraries, for the tests that decode pictures (Debian: librsvg2-dev,
    /// libcairo2-dev; pkg-config `librsvg-2.0`).
    .systemLibrary(
      name: "CRsvg",
      pkgConfig: "librsvg-2.0",
      providers: [.apt(["librsvg2-dev", "libcairo2-dev"])]
    ),

    /// The hot-loop kernels in C: tiled SIMD, BLAS, scalar reference. OpenBLAS
    /// (Debian: libopenblas0) is opened on first use of a BLAS kernel (ks_blas.c).
    .target(
      name: "CKetasimKernels",
      cSettings: strictC
    ),

    /// Turns `Models/*.yaml` into Swift source at build time, so that the
    /// built `ketasim` carries its catalogue wherever it is copied.
    .executableTarget(
      name: "ketasim-embed-models",
      path: "Sources/EmbedModels",
      swiftSettings: strictSwift
    ),
    .plugin(
      name: "EmbedModelCatalog",
      capability: .buildTool(),
      dependencies: ["ketasim-embed-models"],
      path: "Sources/EmbedModelCatalogPlugin"
    ),

    .plugin(
      name: "EmbedWebAssets",
      capability: .buildTool(),
      dependencies: ["ketasim-embed-models"],
      path: "Sources/EmbedWebAssetsPlugin"
    ),

    // MARK: - Tests

    .testTarget(
      name: "KetasimCoreTests",
      dependencies: ["KetasimCore"],
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "KetasimRenderTests",
      dependencies: ["KetasimRender", "KetasimCore", "CRsvg"],
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "KetasimServerTests",
      dependencies: [
        "KetasimServer",
        "KetasimCore",
        .product(name: "HummingbirdTesting", package: "hummingbird"),
      ],
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "ketasimTests",
      dependencies: ["KetasimCore"],
      swiftSettings: strictSwift
    ),
  ],
  swiftLanguageModes: [.v6]
)
