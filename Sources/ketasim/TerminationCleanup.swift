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
}
