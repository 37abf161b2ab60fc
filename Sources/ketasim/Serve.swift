#if Server
import ArgumentParser
import Foundation
import Synchronization
import KetasimCore
import KetasimServer

/// `ketasim serve`: the preview as a local web page and JSON API.
struct Serve: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve the preview as a local web page and JSON API (loopback only unless --host says otherwise).",
    discussion: """
      Open the printed address in a browser. The page and the API (/openapi.json describes it) run the same \
      library as the other commands and give the same numbers. Nothing is stored and no request's values are \
      logged. SIGTERM or Ctrl-C stops the server after the requests in progress are answered. \
      --host 0.0.0.0 serves every network interface, for a classroom: the server has no authentication, so \
      do this only on a network you trust.
      """)

  @Option(help: "Address to listen on: 127.0.0.1 is this computer only, 0.0.0.0 every network interface.")
  var host = "127.0.0.1"

  @Option(
    help: "TCP port, 1 to 65535, or 0 for any free port (default 8080).",
    transform: { text in
      guard let port = Int(text), (0...65535).contains(port) else {
        throw KetasimError.invalidValue("port", text, accepted: "a TCP port from 0 to 65535, such as 8080")
      }
      return port
    })
  var port = 8080

  func run() throws {
    // The server stops gracefully on SIGTERM and SIGINT itself.
    TerminationCleanup.uninstall()
    let (host, port) = (host, port)
    let loopback = ["127.0.0.1", "localhost", "::1"].contains(host)
    let done = DispatchSemaphore(value: 0)
    let failure = Mutex<String?>(nil)
    Task {
      do {
        let app = KetasimServer.application(host: host, port: port) { bound in
          let shown = host.contains(":") ? "[\(host)]" : host
          Terminal.note(
            "ketasim: serving the preview on http://\(shown):\(bound)/ "
              + (loopback
                ? "(this computer only; --host 0.0.0.0 to share it)"
                : "(every computer that reaches this address; no authentication)"))
        }
        try await app.runService()
      } catch {
        failure.withLock { $0 = "\(error)" }
      }
      done.signal()
    }
    done.wait()
    guard let message = failure.withLock({ $0 }) else {
      Terminal.note("ketasim: the server stopped; the requests in progress were answered first")
      return
    }
    if message.contains("Address already in use") {
      throw KetasimError.invalidValue(
        "port", "\(port)", accepted: "a free TCP port: another program listens on this one (0: any free port)")
    }
    throw KetasimError.invalidValue(
      "host", host, accepted: "an address of this computer, such as 127.0.0.1 or 0.0.0.0 (the server said: \(message))")
  }
}
#endif
