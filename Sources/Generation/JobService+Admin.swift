public import Audit
public import Core
import Database
public import Foundation
public import Logging
import PostgresNIO
import TaskQueue

/// Admin views of every user's jobs, and cancelling one under the owner's rules.
extension JobService {
    public func adminList(_ filter: AdminJobFilter, cursor: String?, limit: Int, logger: Logger) async throws -> Page<GenerationJob> {
        let after = try Keyset(cursor: cursor)
        let rows = try await client.withConnection { try await JobAdminStore().jobs(filter, after: after, limit: limit + 1, on: $0, logger: logger) }
        return Page(rows: rows, limit: limit) { ($0.createdAt, $0.id) }
    }

    public func adminDetail(_ id: UUID, logger: Logger) async throws -> AdminJobDetail {
        try await client.withConnection { connection in
            guard let job = try await jobs.job(id, on: connection, logger: logger) else { throw AppError.notFound("Generation job") }
            var variants = try await JobAdminStore().variants(jobID: id, on: connection, logger: logger)
            let keys = variants.map { RunVariant.uniqueKey($0.variant.id) }
            let attempts = try await TaskStore().attempts(uniqueKeys: keys, on: connection, logger: logger)
            for index in variants.indices {
                guard let task = attempts[keys[index]] else { continue }
                variants[index].attempts = task.attempt
                variants[index].maxAttempts = task.maxAttempts ?? RunVariant.defaultOptions.maxAttempts
                variants[index].taskState = task.state
                variants[index].lastTaskError = task.lastError
            }
            let errors = variants.compactMap { v in v.variant.error.map { (variantID: v.variant.id, error: $0) } }
            return AdminJobDetail(job: job, variants: variants, errorBuckets: ErrorBucket.group(errors))
        }
    }

    /// Cancels anyone's job with the owner's rules (skips, settlement, refund), audited.
    public func adminCancel(_ id: UUID, actor: AuditActor, logger: Logger) async throws -> AdminJobDetail {
        try await client.transaction(logger: logger) { connection in
            let before = try await cancel(id, userID: nil, on: connection, logger: logger)
            let after = try await jobs.job(id, on: connection, logger: logger)
            try await AuditLog().record(
                actor, action: "job.cancel", target: AuditTarget("generation_job", id), before: before, after: after, on: connection, logger: logger)
        }
        return try await adminDetail(id, logger: logger)
    }
}
