import Synchronization

/// Successful tasks waiting to be marked completed. Completions are written in batches (one
/// fenced UPDATE for many tasks) because a round trip per task would cap throughput; the
/// batch naturally grows with load, since everything finishing during one write goes into
/// the next. A crash before the write only means the task runs again (delivery is at least once).
final class CompletionBuffer: Sendable {
    private let pending = Mutex<[ClaimedTask]>([])
    let doorbell = Doorbell()

    func append(_ task: ClaimedTask) {
        pending.withLock { $0.append(task) }
        doorbell.ring()
    }

    /// Takes everything waiting.
    func takeAll() -> [ClaimedTask] {
        pending.withLock { tasks in
            defer { tasks.removeAll(keepingCapacity: true) }
            return tasks
        }
    }

    /// Puts back tasks whose write failed, to be retried with the next batch.
    func putBack(_ tasks: [ClaimedTask]) {
        pending.withLock { $0.insert(contentsOf: tasks, at: 0) }
    }

    var isEmpty: Bool { pending.withLock { $0.isEmpty } }
}
