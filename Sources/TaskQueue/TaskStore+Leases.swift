import Core
public import Logging
public import PostgresNIO

/// Leases: a running task belongs to its worker only while the worker renews the lease; an
/// expired lease means the worker died, and another worker rescues or fails the task.
extension TaskStore {
    /// Extends the leases this worker still holds; returns the ids whose lease was lost or whose
    /// cancellation was requested, so the worker stops running them.
    public func heartbeat(
        _ tasks: [ClaimedTask], lease: Duration, workerID: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> (renewed: Set<Int64>, cancelRequested: Set<Int64>) {
        guard !tasks.isEmpty else { return ([], []) }
        let rows = try await connection.query(
            """
            UPDATE queue_task t
            SET lease_expires_at = now() + make_interval(secs => \(lease.inSeconds))
            FROM unnest(\(tasks.map(\.id))::bigint[], \(tasks.map(\.attempt))::int[]) AS held(id, attempt)
            WHERE t.id = held.id AND t.attempt = held.attempt AND t.state = 'running' AND t.worker_id = \(workerID)
            RETURNING t.id, t.cancel_requested
            """, logger: logger)
        var renewed: Set<Int64> = []
        var cancelRequested: Set<Int64> = []
        for try await (id, cancel) in rows.decode((Int64, Bool).self) {
            renewed.insert(id)
            if cancel { cancelRequested.insert(id) }
        }
        return (renewed, cancelRequested)
    }

    /// Running tasks whose lease ran out: their worker died or stalled.
    public func expiredLeases(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [ClaimedTask] {
        try await decodeClaims(
            connection.query(
                """
                SELECT id, kind, payload::text, attempt, max_attempts, owner, run_at FROM queue_task
                WHERE state = 'running' AND lease_expires_at < now()
                ORDER BY lease_expires_at LIMIT \(limit)
                """, logger: logger))
    }

    /// Makes an expired task available again (the lease's attempt stays counted). Fenced on the
    /// attempt so two rescuers cannot both act.
    public func rescue(_ task: ClaimedTask, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query(
            """
            UPDATE queue_task SET state = 'available', worker_id = NULL, lease_expires_at = NULL, run_at = now(),
                last_error = 'lease expired: the worker stopped answering'
            WHERE id = \(task.id) AND attempt = \(task.attempt) AND state = 'running' AND lease_expires_at < now()
            RETURNING id
            """, logger: logger
        ).collect().count == 1
    }

    /// Fails an expired task that has no attempts left. Fenced like `rescue`.
    public func failExpired(_ task: ClaimedTask, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query(
            """
            UPDATE queue_task SET state = 'failed', finished_at = now(), lease_expires_at = NULL,
                last_error = 'lease expired on the last attempt'
            WHERE id = \(task.id) AND attempt = \(task.attempt) AND state = 'running' AND lease_expires_at < now()
            RETURNING id
            """, logger: logger
        ).collect().count == 1
    }
}
