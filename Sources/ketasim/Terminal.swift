import Foundation
import KetasimCore

/// Where the command line writes: stdout for data, stderr for people.
enum Terminal {
  /// Thrown when stdout's reader has gone (`ketasim … | head`): the run ends
  /// quietly with status 0.
  struct ClosedPipe: Error {}

  /// Writes bytes to stdout, turning a closed pipe into ``ClosedPipe``.
  static func writeOut(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = write(1, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          if errno == EPIPE { throw ClosedPipe() }
          throw KetasimError.writeFailed("stdout", reason: String(cString: strerror(errno)))
        }
        offset += written
      }
    }
  }

  /// Writes one line to stderr.
  static func note(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  /// Prints `ketasim: error: MESSAGE` and exits with `status`.
  static func fail(_ message: String, status: Int32) -> Never {
    note("ketasim: error: \(message)")
    exit(status)
  }

  /// Sends CSV to `path` atomically, or to stdout when `path` is nil.
  static func emit(to path: String?, _ produce: (@escaping ([UInt8]) throws -> Void) throws -> Void) throws {
    if let path {
      try AtomicFile.write(to: path, produce)
    } else {
      try produce(writeOut)
    }
  }
}
