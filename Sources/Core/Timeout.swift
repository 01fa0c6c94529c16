/// Raised by `withTimeout` when the work did not finish in time.
public struct TimeoutError: Error, Sendable {
    public let duration: Duration
}

/// Runs `work`, cancelling it and throwing `TimeoutError` when it takes longer than `duration`.
public func withTimeout<T: Sendable>(
    _ duration: Duration, _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: duration)
            throw TimeoutError(duration: duration)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

extension Duration {
    /// Whole and fractional seconds, as `make_interval(secs => …)` and `TimeInterval` take them.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
