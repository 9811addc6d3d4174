import Dispatch
import Foundation

/// Where the blocking C calls of async sends run: threads of their own, never Swift's
/// cooperative pool, which a call that waits on the network for up to its timeout would
/// starve.
private let blockingQueue = DispatchQueue(
    label: "smscode.blocking-send", qos: .userInitiated, attributes: .concurrent)

/// Runs `work`, a blocking C call, on `blockingQueue` and suspends the task until it ends.
///
/// Cancellation: a task cancelled before the call throws `CancellationError` and `work`
/// never runs; a task cancelled during the call throws `CancellationError` at once, while
/// `work` runs on to its own end (a C call cannot be interrupted, and an SMS on its way
/// cannot be recalled). `work` owns everything it allocates, so it frees it either way.
func runBlocking<Value: Sendable>(
    _ work: @escaping @Sendable () throws -> Value
) async throws -> Value {
    try Task.checkCancellation()
    let waiter = Waiter<Value>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            guard waiter.install(continuation) else {
                return
            }
            blockingQueue.async {
                waiter.finish(Result { try work() })
            }
        }
    } onCancel: {
        waiter.cancel()
    }
}

/// The continuation of one `runBlocking` call, resumed exactly once: by the work's end or by
/// cancellation, whichever comes first.
private final class Waiter<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `continuation` and `cancelled` are read and written only with
    // `lock` held, and the continuation is taken out (set to nil) before it is resumed, so it
    // is resumed at most once.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Value, any Error>?
    private var cancelled = false

    /// Stores the continuation; false (after resuming it with `CancellationError`) when the
    /// task was cancelled before it got here.
    func install(_ continuation: CheckedContinuation<Value, any Error>) -> Bool {
        lock.lock()
        if cancelled {
            lock.unlock()
            continuation.resume(throwing: CancellationError())
            return false
        }
        self.continuation = continuation
        lock.unlock()
        return true
    }

    /// The work ended: hands its result to the task, unless cancellation already resumed it.
    func finish(_ result: Result<Value, any Error>) {
        take()?.resume(with: result)
    }

    /// The task was cancelled: resumes it with `CancellationError` now.
    func cancel() {
        lock.lock()
        cancelled = true
        let continuation = self.continuation
        self.continuation = nil
        lock.unlock()
        continuation?.resume(throwing: CancellationError())
    }

    private func take() -> CheckedContinuation<Value, any Error>? {
        lock.lock()
        defer { lock.unlock() }
        let continuation = self.continuation
        self.continuation = nil
        return continuation
    }
}
