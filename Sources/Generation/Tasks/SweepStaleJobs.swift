import Foundation
import Logging
import PostgresNIO
public import TaskQueue

/// Finishes jobs past their deadline (a worker crash loop, an external workflow that never
/// called back): open variants fail, the job is settled, so no tokens stay reserved forever.
public struct SweepStaleJobs: TaskHandler {
    public static let kind = "generation.sweep"
    public typealias Payload = EmptyPayload
    public let options = TaskKindOptions(maxAttempts: 3, concurrency: 1)

    public init() {}

    public func run(_ payload: EmptyPayload, context: TaskContext) async throws {
        // External workflows that did not call back in time.
        let silent = try await context.client.withConnection { connection in
            try await connection.query(
                """
                UPDATE generation_variant SET status = 'FAILED', error = 'the workflow did not call back in time', finished_at = now()
                WHERE status = 'RUNNING' AND deadline_at < now() RETURNING job_id
                """, logger: context.logger
            ).collect().map { try $0.decode(UUID.self) }
        }
        for jobID in Set(silent) {
            try await context.client.transaction(logger: context.logger) { try await JobSettlement().finishIfDone(jobID, on: $0, logger: context.logger) }
        }
        let stale = try await context.client.withConnection { connection in
            try await connection.query(
                "SELECT id FROM generation_job WHERE status IN ('QUEUED', 'RUNNING') AND deadline_at < now() ORDER BY deadline_at LIMIT 200",
                logger: context.logger
            ).collect().map { try $0.decode(UUID.self) }
        }
        for jobID in stale {
            try await context.client.transaction(logger: context.logger) { connection in
                try await connection.query(
                    """
                    UPDATE generation_variant SET status = 'FAILED', error = 'the job passed its deadline', finished_at = now()
                    WHERE job_id = \(jobID) AND status IN ('QUEUED', 'RUNNING')
                    """, logger: context.logger)
                try await JobSettlement().finishIfDone(jobID, on: connection, logger: context.logger)
            }
        }
        if !stale.isEmpty { context.logger.warning("finished stale jobs", metadata: ["count": "\(stale.count)"]) }
    }
}
