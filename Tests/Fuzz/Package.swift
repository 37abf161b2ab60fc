// swift-tools-version: 6.1
import Foundation
import PackageDescription

// libFuzzer targets for ketasim's input readers. A separate package so that
// `swift build` / `swift test` at the root never builds them; build with
// `-sanitize=fuzzer` (see README.md here, or `.ci/fuzz`). A path
// dependency's identity is its folder name, which differs between
// checkouts, so it is read here.
let root = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()
let core = Target.Dependency.product(name: "KetasimCore", package: rootIdentity)

// Each target's `main` hands its callback to libFuzzer's driver. The
// targets link libFuzzer; the library they call is instrumented by the build
// command's `-sanitize=address -sanitize-coverage=edge,trace-cmp` (see
// .ci/fuzz), so coverage feedback reaches into the parsers.
let fuzzer = "-sanitize=fuzzer,address"
func fuzzTarget(_ name: String) -> Target {
  .executableTarget(
    name: name, dependencies: [core, "FuzzSupport"],
    swiftSettings: [.unsafeFlags([fuzzer])],
    linkerSettings: [.unsafeFlags([fuzzer, "-use-ld=lld"])])
}

let package = Package(
  name: "KetasimFuzz",
  dependencies: [.package(path: "../..", traits: [])],
  targets: [
    /// The declaration of libFuzzer's `LLVMFuzzerRunDriver`.
    .target(name: "CLibFuzzer"),
    /// Runs libFuzzer's loop over a Swift closure.
    .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
    /// Dose specs such as '0.5 mg/kg over 40 min every 48 h x 6'.
    fuzzTarget("FuzzDoseSpec"),
    /// Model files (YAML) as `--model FILE` reads them.
    fuzzTarget("FuzzModelFile"),
    /// Regimen files (YAML or JSON) as `--regimen FILE` reads them.
    fuzzTarget("FuzzRegimen"),
    /// NONMEM-style event tables as `--events FILE` reads them.
    fuzzTarget("FuzzEventTable"),
  ],
  swiftLanguageModes: [.v6]
)
