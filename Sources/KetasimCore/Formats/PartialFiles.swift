import Dispatch
import Foundation
import Synchronization

/// The temporary files that ``AtomicFile`` is writing right now, so that an
/// interrupted run can remove them.
///
/// A process that is killed with SIGINT or SIGTERM while writing would
/// otherwise leave a `.NAME.PID.N.partial` file beside its destination.
/// ``removeOnTermination()`` installs handlers that delete every registered
/// file and then exit with the conventional status 128 + signal number.
/// The handlers run on a Dispatch queue, not in signal context, so they may
/// use the file system freely.
package enum PartialFiles {
  private static let registry = Mutex<Set<String>>([])
  private static let sources = Mutex<[any DispatchSourceSignal]>([])

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

  /// Deletes every registered partial file; returns how many existed.
  @discardableResult
  package static func removeAll() -> Int {
    registry.withLock { paths in
      let removed = paths.filter { unlink($0) == 0 }.count
      paths.removeAll()
      return removed
    }
  }

  /// Makes SIGINT and SIGTERM delete the registered partial files, then end
  /// the process with status 128 + signal (130 for SIGINT, 143 for SIGTERM).
  ///
  /// Call once, early in `main`; later calls do nothing.
  package static func removeOnTermination() {
    sources.withLock { sources in
      guard sources.isEmpty else { return }
      for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler {
          removeAll()
          exit(128 + signalNumber)
        }
        source.resume()
        sources.append(source)
      }
    }
  }
}
