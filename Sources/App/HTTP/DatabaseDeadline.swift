import Core
import Synchronization

/// Runs `work` but answers 503 once `limit` passes without it finishing. While PostgreSQL is
/// down the connection pool waits for it without end; a request that needs the database must
/// not: the caller gets `DATABASE_UNAVAILABLE` at the deadline and retries; the abandoned `work`
/// ends on its own when the pool reconnects or gives up.
func withDatabaseDeadline<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    let outcome = FirstOutcome<T>()
    return try await withCheckedThrowingContinuation { continuation in
        outcome.install(continuation)
        let timer = Task {
            // Cancelled (the work finished first): nothing to say.
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            outcome.settle(.failure(AppError.unavailable(
                code: "DATABASE_UNAVAILABLE", detail: "The database did not answer in time; try again in a few seconds.")))
        }
        Task {
            do { outcome.settle(.success(try await work())) } catch { outcome.settle(.failure(error)) }
            timer.cancel()
        }
    }
}

/// Resumes its continuation with whichever outcome comes first.
private final class FirstOutcome<T: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, settled: Bool)>((nil, false))

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func settle(_ result: Result<T, any Error>) {
        let waiting = state.withLock { state -> CheckedContinuation<T, any Error>? in
            guard !state.settled, let continuation = state.continuation else { return nil }
            state.settled = true
            state.continuation = nil
            return continuation
        }
        waiting?.resume(with: result)
    }
}
