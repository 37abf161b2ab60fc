import Foundation

/// Writes a file so that it appears whole or not at all.
///
/// The content goes to a temporary file in the destination's directory,
/// which is renamed over the destination only after everything was written
/// and synced. If producing the content throws, the temporary file is
/// removed and the destination is left as it was. While it is being
/// written the temporary file is listed in ``PartialFiles``, so an
/// interrupted run (SIGINT, SIGTERM) removes it too.
///
/// A run killed with SIGKILL (or by a power cut) cannot clean up: it leaves
/// its `.NAME.PID.N.partial` beside the destination, never the destination
/// itself. The writer holds an exclusive `flock(2)` on its temporary file,
/// which the kernel drops when the process dies; the next write of the same
/// destination removes every `.NAME.PID.N.partial` that nobody holds
/// (``PartialFiles/removeStale(besides:)``).
///
/// A destination that is a device, a pipe or a socket (`/dev/null`, a FIFO)
/// is written directly: it cannot be replaced, only written to.
package enum AtomicFile {
  /// Writes what `produce` emits through its sink to `path`.
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:remedy:)`` for an empty
  ///   path, ``KetasimError/cannotCreate(_:reason:)`` when the file cannot
  ///   be created (no such directory, not writable, a directory at `path`),
  ///   ``KetasimError/writeFailed(_:reason:)`` when writing fails part-way;
  ///   any error `produce` throws, after removing the temporary file.
  package static func write(to path: String, _ produce: (@escaping ([UInt8]) throws -> Void) throws -> Void) throws {
    guard !path.isEmpty else {
      throw KetasimError.invalidValue("output path", path, accepted: "a file path, such as out.csv")
    }
    let destination = URL(fileURLWithPath: path)
    let directory = destination.deletingLastPathComponent()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
    else {
      throw KetasimError.cannotCreate(path, reason: "the output directory does not exist")
    }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw KetasimError.cannotCreate(path, reason: "is a directory; expected a file path for the output")
    }
    if isSpecialFile(path) {
      try writeThrough(to: path, produce)
      return
    }
    let temporary = directory.appendingPathComponent(
      ".\(destination.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).partial"
    )
    PartialFiles.removeStale(besides: destination)
    let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw KetasimError.cannotCreate(path, reason: "cannot create a file in \(directory.path) (permission denied?)")
    }
    // Held until the handle closes or the process dies: marks the file live.
    _ = flock(descriptor, LOCK_EX)
    PartialFiles.register(temporary.path)
    defer { PartialFiles.unregister(temporary.path) }
    do {
      let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
      defer { try? handle.close() }
      try produce { bytes in try handle.write(contentsOf: bytes) }
      try handle.synchronize()
      // rename(2) replaces the destination atomically within a directory.
      // (Foundation's replaceItemAt fails on Linux and can delete the
      // destination: swift-corelibs-foundation issue #4655.)
      guard rename(temporary.path, destination.path) == 0 else {
        throw KetasimError.cannotCreate(
          path, reason: "could not move the output into place: \(String(cString: strerror(errno)))")
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      if let error = error as? KetasimError { throw error }
      throw KetasimError.writeFailed(path, reason: "could not write the output: \(error.localizedDescription)")
    }
  }

  /// Whether `path` (followed through symbolic links) is a device, a pipe
  /// or a socket: `/dev/null`, `/dev/stdout`, a FIFO.
  ///
  /// Such a destination has nothing to replace atomically, and renaming a
  /// temporary file over it would replace the device node itself (as root,
  /// `--output /dev/null` would turn /dev/null into a regular file).
  package static func isSpecialFile(_ path: String) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else { return false }
    let type = Int(info.st_mode) & Int(S_IFMT)
    return type != Int(S_IFREG) && type != Int(S_IFDIR)
  }

  /// Streams what `produce` emits straight into the special file at `path`.
  private static func writeThrough(
    to path: String, _ produce: (@escaping ([UInt8]) throws -> Void) throws -> Void
  ) throws {
    guard let handle = FileHandle(forWritingAtPath: path) else {
      throw KetasimError.cannotCreate(path, reason: "cannot open it for writing (permission denied?)")
    }
    defer { try? handle.close() }
    do {
      try produce { bytes in try handle.write(contentsOf: bytes) }
    } catch let error where !(error is KetasimError) {
      throw KetasimError.writeFailed(path, reason: "could not write the output: \(error.localizedDescription)")
    }
  }
}
