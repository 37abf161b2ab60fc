import Foundation
import Synchronization

/// The temporary files that ``AtomicFile`` is writing right now, so that an
/// interrupted run can remove them.
///
/// A process that is killed with SIGINT or SIGTERM while writing would
/// otherwise leave a `.NAME.PID.N.partial` file beside its destination.
/// The executable's signal handlers call ``removeAll()`` (the library installs
/// no handler and never ends the process). SIGKILL cannot be caught: what it
/// leaves is removed by the next write of the same output
/// (``removeStale(besides:)``).
package enum PartialFiles {
  private static let registry = Mutex<Set<String>>([])

  /// Records `path` as a partial file to delete if the run is interrupted.
  static func register(_ path: String) {
    registry.withLock { _ = $0.insert(path) }
  }

  /// Forgets `path` (it was renamed into place or removed).
  static func unregister(_ path: String) {
    registry.withLock { _ = $0.remove(path) }
  }

  /// The partial files being written now.
  package static var pending: Set<String> { registry.withLock { $0 } }

  /// Removes the partial files of `destination` left by runs that died.
  ///
  /// A run killed by SIGKILL or a power cut leaves its `.NAME.PID.N.partial`;
  /// this removes every such file beside `destination` on which no process
  /// holds the writer's `flock(2)`, and returns how many it removed.
  ///
  /// Files of other outputs, and of writers still running (on this host or,
  /// on a file system with working locks, another), are left alone.
  @discardableResult
  public static func removeStale(besides destination: URL) -> Int {
    let directory = destination.deletingLastPathComponent()
    let prefix = ".\(destination.lastPathComponent)."
    let suffix = ".partial"
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return 0 }
    var removed = 0
    for name in names where name.hasPrefix(prefix) && name.hasSuffix(suffix) && name.count > prefix.count + suffix.count
    {
      let middle = name.dropFirst(prefix.count).dropLast(suffix.count).split(
        separator: ".", omittingEmptySubsequences: false)
      guard middle.count == 2, middle.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
      else { continue }
      let path = directory.appendingPathComponent(name).path
      let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
      guard descriptor >= 0 else { continue }
      defer { close(descriptor) }
      if flock(descriptor, LOCK_EX | LOCK_NB) == 0, unlink(path) == 0 { removed += 1 }
    }
    return removed
  }

  /// Deletes every registered partial file; returns how many existed.
  @discardableResult
  package static func removeAll() -> Int {
    registry.withLock { paths in
      let removed = paths.filter { unlink($0) == 0 }.count
      paths.removeAll()
      return removed
    }
  }
}
