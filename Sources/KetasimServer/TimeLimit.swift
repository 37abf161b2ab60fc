import NIOPosix
import Synchronization

/// Runs a request's computation off the server's event loops, on NIO's
/// shared thread pool, and answers within a time limit.
///
/// The computation is synchronous library code and cannot be interrupted;
/// the resource limits (``Preview``) keep every accepted request well under
/// a second. The time limit is the guarantee behind them: when the work
/// has not finished after ``limit``, the caller gets ``Exceeded`` at once
/// (and the answer is dropped when the work ends), so a client never waits
/// longer than the limit, and the event loops keep serving the page while
/// a large request computes.
struct TimeLimit: Sendable {
  /// The work did not finish within the limit.
  struct Exceeded: Error, CustomStringConvertible {
    let limit: Duration
    var description: String {
      let (seconds, attoseconds) = limit.components
      let shown = seconds >= 1 ? "\(seconds) s" : "\(attoseconds / 1_000_000_000_000_000) ms"
      return "the request took longer than \(shown): ask for a shorter duration, a coarser step or fewer subjects"
    }
  }

  /// The longest a request may compute.
  let limit: Duration

  /// `work`'s result, computed on the thread pool, or ``Exceeded`` after ``limit``.
  func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    let limit = self.limit
    return try await withCheckedThrowingContinuation { continuation in
      let once = ResumeOnce(continuation)
      let timer = Task {
        try await Task.sleep(for: limit)
        once.resume(.failure(Exceeded(limit: limit)))
      }
      let start = ContinuousClock.now
      NIOThreadPool.singleton.submit { state in
        switch state {
        case .active:
          let result = Result { try work() }
          // Past the limit is past it, even when the timer has not run yet (a busy machine).
          once.resume(ContinuousClock.now - start > limit ? .failure(Exceeded(limit: limit)) : result)
        case .cancelled: once.resume(.failure(CancellationError()))
        }
        timer.cancel()
      }
    }
  }
}

/// A continuation resumed by whichever of the work and the timer ends first.
private final class ResumeOnce<T: Sendable>: Sendable {
  private let continuation: Mutex<CheckedContinuation<T, any Error>?>

  init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = Mutex(continuation) }

  func resume(_ result: Result<T, any Error>) {
    let pending: CheckedContinuation<T, any Error>? = continuation.withLock { value in
      defer { value = nil }
      return value
    }
    pending?.resume(with: result)
  }
}
