/// How the queue treats one kind of task.
public struct TaskKindOptions: Sendable {
    /// Attempts before the task fails for good (and the failure hook runs).
    public var maxAttempts: Int
    /// How long a claim lasts without a heartbeat; a dead worker's task runs again after it.
    public var lease: Duration
    /// Tasks of this kind one worker process runs at once.
    public var concurrency: Int
    /// Tasks of this kind running at once for one owner, across all workers (nil: no cap).
    public var ownerCap: Int?
    /// First retry delay; doubled per attempt, capped at `maxBackoff`, with jitter.
    public var baseBackoff: Duration
    public var maxBackoff: Duration

    public init(
        maxAttempts: Int = 5, lease: Duration = .seconds(30), concurrency: Int = 4, ownerCap: Int? = nil,
        baseBackoff: Duration = .seconds(2), maxBackoff: Duration = .seconds(600)
    ) {
        self.maxAttempts = maxAttempts
        self.lease = lease
        self.concurrency = concurrency
        self.ownerCap = ownerCap
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
    }

    /// The delay before attempt `attempt + 1`: exponential, capped, then scaled by a random
    /// factor in [0.5, 1] so retries of many failed tasks do not arrive together.
    public func backoff(afterAttempt attempt: Int, jitter: Double = Double.random(in: 0.5...1)) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let raw = baseBackoff * (1 << exponent)
        return min(raw, maxBackoff) * jitter
    }
}
