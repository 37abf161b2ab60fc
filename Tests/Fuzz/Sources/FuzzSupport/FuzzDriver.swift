import CLibFuzzer
import Foundation

/// Runs libFuzzer's loop over a Swift closure that takes each input as text.
///
/// Inputs are decoded as UTF-8 with replacement, as the command line and
/// `String(contentsOfFile:)` would see them. Command-line flags are
/// libFuzzer's own (`-max_total_time=60 CORPUS_DIR`, …).
public enum FuzzDriver {
  nonisolated(unsafe) private static var body: (String) -> Void = { _ in }

  /// Hands `body` to libFuzzer and returns its exit status.
  public static func run(_ body: @escaping (String) -> Void) -> Int32 {
    Self.body = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in FuzzDriver.testOneInput(data, size) }
  }

  static func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    body(String(decoding: bytes, as: UTF8.self))
    return 0
  }
}

/// libFuzzer's per-input hook, forwarding to the closure given to
/// ``FuzzDriver/run(_:)`` (the archive's own `main` references it even
/// though the targets start the loop through `LLVMFuzzerRunDriver`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  FuzzDriver.testOneInput(data, size)
}
