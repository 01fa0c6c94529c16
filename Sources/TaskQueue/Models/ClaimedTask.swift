public import Foundation

/// A task this worker holds a lease on. `attempt` is the fencing token: every later write
/// about the task names it, so a worker whose lease was taken over can no longer change it.
public struct ClaimedTask: Sendable, Equatable {
    public let id: Int64
    public let kind: String
    public let payload: String
    public let attempt: Int
    /// A limit set for this task alone; nil means the kind's `TaskKindOptions.maxAttempts`.
    public let maxAttempts: Int?
    public let owner: String?
    /// When the task became due; claim latency is measured from here.
    public let runAt: Date

    /// Whether this attempt is the last one allowed.
    func isLastAttempt(_ options: TaskKindOptions?) -> Bool {
        attempt >= (maxAttempts ?? options?.maxAttempts ?? 5)
    }
}

/// The lifecycle states of a queued task.
public enum TaskState: String, Sendable, CaseIterable {
    case available, running, completed, failed, cancelled
}
