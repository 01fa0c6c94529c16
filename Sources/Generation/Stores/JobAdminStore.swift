public import Core
public import Foundation
public import Logging
public import PostgresNIO

/// Read-only SQL of the admin job views: every user's jobs, filtered, and variants with timings.
public struct JobAdminStore: Sendable {
    public init() {}

    public func jobs(_ filter: AdminJobFilter, after cursor: Keyset, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [GenerationJob] {
        try await connection.query(
            """
            SELECT \(unescaped: JobStore.jobColumns) FROM generation_job j
            WHERE (\(filter.status?.rawValue)::text IS NULL OR status::text = \(filter.status?.rawValue))
              AND (\(filter.archetype)::text IS NULL OR archetype_code = \(filter.archetype)
                   OR EXISTS (SELECT 1 FROM generation_variant v WHERE v.job_id = j.id AND v.archetype_code = \(filter.archetype)))
              AND (\(filter.workflowID)::uuid IS NULL OR EXISTS (SELECT 1 FROM generation_variant v WHERE v.job_id = j.id AND v.workflow_id = \(filter.workflowID)))
              AND (\(filter.userID)::uuid IS NULL OR user_id = \(filter.userID))
              AND (\(filter.from)::timestamptz IS NULL OR created_at >= \(filter.from))
              AND (\(filter.to)::timestamptz IS NULL OR created_at < \(filter.to))
              AND (created_at, id) < (\(cursor.time), \(cursor.id))
            ORDER BY created_at DESC, id DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map(JobStore.decodeJob)
    }

    public func variants(jobID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [AdminVariant] {
        try await connection.query(
            """
            SELECT \(unescaped: VariantStore.variantColumns), started_at, finished_at FROM generation_variant
            WHERE job_id = \(jobID) ORDER BY position
            """, logger: logger
        ).collect().map { row in
            let c = row.makeRandomAccess()
            let variant = GenerationVariant(
                id: try c[0].decode(UUID.self), jobID: try c[1].decode(UUID.self), position: try c[2].decode(Int.self),
                archetypeCode: try c[3].decode(String.self), workflowID: try c[4].decode(UUID?.self), workflowUID: try c[5].decode(String.self),
                format: try c[6].decode(String.self), status: GenerationVariant.Status(rawValue: try c[7].decode(String.self)) ?? .failed,
                adImageID: try c[8].decode(UUID?.self), error: try c[9].decode(String?.self))
            return AdminVariant(variant: variant, startedAt: try c[10].decode(Date?.self), finishedAt: try c[11].decode(Date?.self))
        }
    }
}
