import Core
public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `generation_variant`: one ad to make, an archetype's workflow in one format.
public struct VariantStore: Sendable {
    public init() {}

    static let variantColumns = "id, job_id, position, archetype_code, workflow_id, workflow_uid, format, status, ad_image_id, error"

    static func decodeVariant(_ row: PostgresRow) throws -> GenerationVariant {
        let (id, jobID, position, archetype, workflowID, workflowUID, format, status, imageID, error) = try row.decode(
            (UUID, UUID, Int, String, UUID?, String, String, String, UUID?, String?).self)
        return GenerationVariant(
            id: id, jobID: jobID, position: position, archetypeCode: archetype, workflowID: workflowID, workflowUID: workflowUID, format: format,
            status: GenerationVariant.Status(rawValue: status) ?? .failed, adImageID: imageID, error: error)
    }

    public func variants(jobID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [GenerationVariant] {
        try await connection.query(
            "SELECT \(unescaped: Self.variantColumns) FROM generation_variant WHERE job_id = \(jobID) ORDER BY position", logger: logger
        ).collect().map(Self.decodeVariant)
    }

    public func variant(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> GenerationVariant? {
        try await connection.query("SELECT \(unescaped: Self.variantColumns) FROM generation_variant WHERE id = \(id)", logger: logger)
            .collect().first.map(Self.decodeVariant)
    }

    /// Moves a queued variant to running; nil when it is no longer runnable. A running variant
    /// (a retry) stays runnable until its job is settled.
    public func start(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> GenerationVariant? {
        let rows = try await connection.query(
            """
            UPDATE generation_variant v SET status = 'RUNNING', started_at = coalesce(v.started_at, now())
            FROM generation_job j
            WHERE v.id = \(id) AND j.id = v.job_id AND j.completed_at IS NULL
              -- A variant already running when its job was cancelled may finish (a retry included).
              AND ((v.status = 'QUEUED' AND j.status IN ('QUEUED', 'RUNNING')) OR v.status = 'RUNNING')
            RETURNING v.id, v.job_id, v.position, v.archetype_code, v.workflow_id, v.workflow_uid, v.format, v.status, v.ad_image_id, v.error
            """, logger: logger
        ).collect()
        return try rows.first.map(Self.decodeVariant)
    }

    /// Ends an open variant; false when it had already ended (a late worker, a sweep).
    @discardableResult
    public func finish(
        _ id: UUID, status: GenerationVariant.Status, imageID: UUID? = nil, error: String? = nil, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE generation_variant SET status = \(status.rawValue), ad_image_id = \(imageID), error = \(error), finished_at = now()
            WHERE id = \(id) AND status IN ('QUEUED', 'RUNNING') RETURNING id
            """, logger: logger
        ).collect()
        return !rows.isEmpty
    }

    func insert(_ id: UUID, jobID: UUID, position: Int, _ planned: JobPlanner.PlannedVariant, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO generation_variant (id, job_id, position, archetype_code, workflow_id, workflow_uid, format)
            VALUES (\(id), \(jobID), \(position), \(planned.archetype), \(planned.workflowID), \(planned.workflowUID), \(planned.format))
            """, logger: logger)
    }

    /// Variants of a cancelled job that never started end as skipped.
    func skipQueued(jobID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE generation_variant SET status = 'SKIPPED', finished_at = now() WHERE job_id = \(jobID) AND status = 'QUEUED'", logger: logger)
    }

    /// How many of a job's variants are open, how many made an image, and how many there are.
    func counts(jobID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> (open: Int, succeeded: Int, total: Int) {
        let (open, succeeded, total) = try await connection.query(
            """
            SELECT count(*) FILTER (WHERE status IN ('QUEUED', 'RUNNING'))::int, count(*) FILTER (WHERE status = 'SUCCEEDED')::int, count(*)::int
            FROM generation_variant WHERE job_id = \(jobID)
            """, logger: logger
        ).collect().first?.decode((Int, Int, Int).self) ?? (0, 0, 0)
        return (open, succeeded, total)
    }

    /// The first variant's error, in plan order, to explain a failed job.
    func firstError(jobID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        try await connection.query(
            "SELECT error FROM generation_variant WHERE job_id = \(jobID) AND error IS NOT NULL ORDER BY position LIMIT 1", logger: logger
        ).collect().first?.decode(String?.self) ?? nil
    }

    /// Fails external variants whose callback deadline passed; returns their jobs.
    func failOverdueCallbacks(on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        try await connection.query(
            """
            UPDATE generation_variant SET status = 'FAILED', error = 'the workflow did not call back in time', finished_at = now()
            WHERE status = 'RUNNING' AND deadline_at < now() RETURNING job_id
            """, logger: logger
        ).collect().map { try $0.decode(UUID.self) }
    }

    /// Fails every open variant of a job, with one reason.
    func failOpen(jobID: UUID, error: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE generation_variant SET status = 'FAILED', error = \(error), finished_at = now()
            WHERE job_id = \(jobID) AND status IN ('QUEUED', 'RUNNING')
            """, logger: logger)
    }

    /// When an external workflow must have called back by.
    func setCallbackDeadline(_ id: UUID, after deadline: Duration, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE generation_variant SET deadline_at = now() + make_interval(secs => \(Double(deadline.components.seconds))) WHERE id = \(id)",
            logger: logger)
    }
}
