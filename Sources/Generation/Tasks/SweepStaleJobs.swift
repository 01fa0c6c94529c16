import Database
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
        let silent = try await context.client.withConnection { try await VariantStore().failOverdueCallbacks(on: $0, logger: context.logger) }
        for jobID in Set(silent) {
            try await context.client.transaction(logger: context.logger) { try await JobSettlement().finishIfDone(jobID, on: $0, logger: context.logger) }
        }
        let stale = try await context.client.withConnection { try await JobStore().pastDeadline(limit: 200, on: $0, logger: context.logger) }
        for jobID in stale {
            try await context.client.transaction(logger: context.logger) { connection in
                try await VariantStore().failOpen(jobID: jobID, error: "the job passed its deadline", on: connection, logger: context.logger)
                try await JobSettlement().finishIfDone(jobID, on: connection, logger: context.logger)
            }
        }
        if !stale.isEmpty { context.logger.warning("finished stale jobs", metadata: ["count": "\(stale.count)"]) }
    }
}
