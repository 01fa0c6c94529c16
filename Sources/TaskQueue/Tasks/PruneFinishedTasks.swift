/// Deletes finished tasks past the retention period (scheduled hourly).
public struct PruneFinishedTasks: TaskHandler {
    public static let kind = "queue.prune"
    public typealias Payload = EmptyPayload

    public let retention: Duration
    public let options = TaskKindOptions(maxAttempts: 3, concurrency: 1)

    public init(retention: Duration) {
        self.retention = retention
    }

    public func run(_ payload: EmptyPayload, context: TaskContext) async throws {
        let deleted = try await context.client.withConnection { connection in
            try await TaskStore().prune(olderThan: retention, on: connection, logger: context.logger)
        }
        if deleted > 0 { context.logger.info("pruned \(deleted) finished task(s)") }
    }
}

import Logging
import PostgresNIO