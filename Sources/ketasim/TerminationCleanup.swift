import Dispatch
import Foundation
import KetasimCore
import Synchronization

/// SIGINT and SIGTERM handling of the executable: remove the partial output
/// files the library is writing, then end with the conventional status
/// 128 + signal (130 for SIGINT, 143 for SIGTERM).
///
/// The handlers run on a Dispatch queue, not in signal context, so they may
/// use the file system freely. The library only keeps the list of partial
/// files (`PartialFiles`); installing handlers and ending the process belong
/// here.
enum TerminationCleanup {
  private static let sources = Mutex<[any DispatchSourceSignal]>([])

  /// Installs the handlers.
  ///
  /// Call once, early in `main`; later calls do nothing.
  static func install() {
    sources.withLock { sources in
      guard sources.isEmpty else { return }
      for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler {
          PartialFiles.removeAll()
          exit(128 + signalNumber)
        }
        source.resume()
        sources.append(source)
      }
    }
  }

  /// Removes the handlers, for a command that handles the signals itself.
  ///
  /// `serve` stops gracefully. The signals stay ignored by default: on
  /// Linux, Dispatch's signal sources (the server's too) see a signal only
  /// when its default action does not end the process first.
  static func uninstall() {
    sources.withLock { sources in
      for source in sources { source.cancel() }
      sources.removeAll()
    }
  }
}
