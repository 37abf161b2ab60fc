import Foundation

/// Writes a file so that it appears whole or not at all.
///
/// The content goes to a temporary file in the destination's directory,
/// which is renamed over the destination only after everything was written
/// and synced. If producing the content throws, the temporary file is
/// removed and the destination is left as it was. While it is being
/// written the temporary file is listed in ``PartialFiles``, so an
/// interrupted run (SIGINT, SIGTERM) removes it too.
public enum AtomicFile {
  /// Writes what `produce` emits through its sink to `path`.
  public static func write(to path: String, _ produce: (@escaping ([UInt8]) throws -> Void) throws -> Void) throws {
    let destination = URL(fileURLWithPath: path)
    let directory = destination.deletingLastPathComponent()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
    else {
      throw KetasimError.fileAccess(path, reason: "the output directory does not exist")
    }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw KetasimError.fileAccess(path, reason: "is a directory; expected a file path for the output")
    }
    let temporary = directory.appendingPathComponent(
      ".\(destination.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).partial"
    )
    guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
      throw KetasimError.fileAccess(path, reason: "cannot create a file in \(directory.path) (permission denied?)")
    }
    PartialFiles.register(temporary.path)
    defer { PartialFiles.unregister(temporary.path) }
    do {
      let handle = try FileHandle(forWritingTo: temporary)
      defer { try? handle.close() }
      try produce { bytes in try handle.write(contentsOf: bytes) }
      try handle.synchronize()
      // rename(2) replaces the destination atomically within a directory.
      // (Foundation's replaceItemAt fails on Linux and can delete the
      // destination: swift-corelibs-foundation issue #4655.)
      guard rename(temporary.path, destination.path) == 0 else {
        throw KetasimError.fileAccess(
          path, reason: "could not move the output into place: \(String(cString: strerror(errno)))")
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      if let error = error as? KetasimError { throw error }
      throw KetasimError.fileAccess(path, reason: "could not write the output: \(error.localizedDescription)")
    }
  }
}
