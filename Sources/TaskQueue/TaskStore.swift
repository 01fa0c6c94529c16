import Core
import Foundation
public import Logging
public import PostgresNIO

/// Every SQL statement about queued tasks. Methods take a connection so callers can put them
/// inside their own transaction (a domain row and its tasks commit together).
public struct TaskStore: Sendable {
    public static let notificationChannel = "blumpo_tasks"

    public init() {}

    /// Inserts tasks in one round trip and wakes idle workers when the transaction commits.
    /// Returns the ids inserted; a task whose unique key is live is skipped.
    @discardableResult
    public func enqueue(_ tasks: [NewTask], on connection: PostgresConnection, logger: Logger) async throws -> [Int64] {
        guard !tasks.isEmpty else { return [] }
        let kinds = tasks.map(\.kind)
        let payloads = tasks.map(\.payload)
        let priorities = tasks.map { Int($0.priority) }
        // The epoch stands for "now" (arrays of optionals cannot be bound).
        let runAts = tasks.map { $0.runAt ?? Date(timeIntervalSince1970: 0) }
        let maxAttempts = tasks.map { $0.maxAttempts ?? 0 }
        let uniqueKeys = tasks.map { $0.uniqueKey ?? "" }
        let owners = tasks.map { $0.owner ?? "" }
        let rows = try await connection.query(
            """
            INSERT INTO queue_task (kind, payload, priority, run_at, max_attempts, unique_key, owner)
            SELECT k, p::jsonb, pr::smallint, CASE WHEN r = 'epoch' THEN now() ELSE r END,
                   NULLIF(m, 0), NULLIF(u, ''), NULLIF(o, '')
            FROM unnest(\(kinds)::text[], \(payloads)::text[], \(priorities)::int[], \(runAts)::timestamptz[],
                        \(maxAttempts)::int[], \(uniqueKeys)::text[], \(owners)::text[]) AS t(k, p, pr, r, m, u, o)
            ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('available', 'running') DO NOTHING
            RETURNING id
            """, logger: logger)
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        if !ids.isEmpty {
            try await connection.query("SELECT pg_notify(\(Self.notificationChannel), \(Set(kinds).sorted().joined(separator: ",")))", logger: logger)
        }
        return ids
    }

    /// Claims up to `limit` due tasks of `kind` for `workerID`, highest priority and oldest first.
    /// Rows another worker is claiming are skipped, never waited on.
    public func claim(
        kind: String, limit: Int, lease: Duration, workerID: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> [ClaimedTask] {
        try await decodeClaims(
            connection.query(
                """
                UPDATE queue_task t
                SET state = 'running', attempt = t.attempt + 1, worker_id = \(workerID),
                    lease_expires_at = now() + make_interval(secs => \(lease.inSeconds)), started_at = now()
                FROM (
                    SELECT id FROM queue_task
                    WHERE state = 'available' AND kind = \(kind) AND run_at <= now()
                    ORDER BY priority DESC, run_at, id
                    LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                ) due
                WHERE t.id = due.id
                RETURNING t.id, t.kind, t.payload::text, t.attempt, t.max_attempts, t.owner, t.run_at
                """, logger: logger))
    }

    /// Like `claim`, but no owner ends up with more than `ownerCap` running tasks of `kind`, and
    /// owners take turns: every owner's first task comes before anyone's second.
    /// Claims of one capped kind are serialized by an advisory lock so the cap is exact.
    public func claimCapped(
        kind: String, limit: Int, ownerCap: Int, lease: Duration, workerID: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> [ClaimedTask] {
        try await connection.withTransaction(logger: logger) { transaction in
            try await transaction.query("SELECT pg_advisory_xact_lock(hashtext('blumpo.queue.claim'), hashtext(\(kind)))", logger: logger)
            return try await decodeClaims(
                transaction.query(
                    """
                    WITH owners AS (
                        SELECT DISTINCT owner FROM queue_task
                        WHERE state = 'available' AND kind = \(kind) AND run_at <= now()
                    ),
                    candidates AS (
                        SELECT pick.id, pick.turn, pick.priority, pick.run_at
                        FROM owners o
                        CROSS JOIN LATERAL (
                            SELECT q.id, q.priority, q.run_at,
                                   row_number() OVER (ORDER BY q.priority DESC, q.run_at, q.id) AS turn
                            FROM queue_task q
                            WHERE q.state = 'available' AND q.kind = \(kind) AND q.run_at <= now()
                              AND q.owner IS NOT DISTINCT FROM o.owner
                            ORDER BY q.priority DESC, q.run_at, q.id
                            LIMIT CASE WHEN o.owner IS NULL THEN \(limit)
                                  ELSE greatest(0, \(ownerCap) - (
                                      SELECT count(*) FROM queue_task r
                                      WHERE r.state = 'running' AND r.kind = \(kind) AND r.owner = o.owner))
                                  END
                        ) pick
                    ),
                    chosen AS (
                        SELECT id FROM candidates ORDER BY turn, priority DESC, run_at, id LIMIT \(limit)
                    )
                    UPDATE queue_task t
                    SET state = 'running', attempt = t.attempt + 1, worker_id = \(workerID),
                        lease_expires_at = now() + make_interval(secs => \(lease.inSeconds)), started_at = now()
                    FROM chosen
                    WHERE t.id = chosen.id AND t.state = 'available'
                    RETURNING t.id, t.kind, t.payload::text, t.attempt, t.max_attempts, t.owner, t.run_at
                    """, logger: logger))
        }
    }

    func decodeClaims(_ rows: PostgresRowSequence) async throws -> [ClaimedTask] {
        var claimed: [ClaimedTask] = []
        for try await (id, kind, payload, attempt, maxAttempts, owner, runAt) in rows.decode(
            (Int64, String, String, Int, Int?, String?, Date).self)
        {
            claimed.append(ClaimedTask(id: id, kind: kind, payload: payload, attempt: attempt, maxAttempts: maxAttempts, owner: owner, runAt: runAt))
        }
        return claimed
    }

    /// Moves a task this worker holds to a final or retry state. Returns false when the worker
    /// no longer holds it (lease taken over): the write is refused.
    public func finish(
        _ task: ClaimedTask, as outcome: Outcome, workerID: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let rows: PostgresRowSequence
        switch outcome {
        case .cancelled, .failed:
            let state = outcome.state.rawValue
            rows = try await connection.query(
                """
                UPDATE queue_task SET state = \(state), finished_at = now(), lease_expires_at = NULL,
                    last_error = COALESCE(\(outcome.error), last_error)
                WHERE id = \(task.id) AND attempt = \(task.attempt) AND state = 'running' AND worker_id = \(workerID)
                RETURNING id
                """, logger: logger)
        case .retry(let delay, let error):
            rows = try await connection.query(
                """
                UPDATE queue_task SET state = 'available', worker_id = NULL, lease_expires_at = NULL,
                    run_at = now() + make_interval(secs => \(delay.inSeconds)), last_error = \(error)
                WHERE id = \(task.id) AND attempt = \(task.attempt) AND state = 'running' AND worker_id = \(workerID)
                RETURNING id
                """, logger: logger)
        case .released:
            // Handed back at shutdown: the interrupted attempt does not count.
            rows = try await connection.query(
                """
                UPDATE queue_task SET state = 'available', worker_id = NULL, lease_expires_at = NULL,
                    attempt = attempt - 1, run_at = now()
                WHERE id = \(task.id) AND attempt = \(task.attempt) AND state = 'running' AND worker_id = \(workerID)
                RETURNING id
                """, logger: logger)
        }
        return try await rows.collect().count == 1
    }

    /// Marks many tasks completed in one statement, each fenced on its attempt; returns the ids
    /// written (a task missing from the result was taken over by another worker).
    public func complete(
        _ tasks: [ClaimedTask], workerID: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Set<Int64> {
        guard !tasks.isEmpty else { return [] }
        var written: Set<Int64> = []
        for try await id in try await connection.query(
            """
            UPDATE queue_task t SET state = 'completed', finished_at = now(), lease_expires_at = NULL
            FROM unnest(\(tasks.map(\.id))::bigint[], \(tasks.map(\.attempt))::int[]) AS done(id, attempt)
            WHERE t.id = done.id AND t.attempt = done.attempt AND t.state = 'running' AND t.worker_id = \(workerID)
            RETURNING t.id
            """, logger: logger
        ).decode(Int64.self) {
            written.insert(id)
        }
        return written
    }

    /// What happened to a claimed task (completions go through `complete`, in batches).
    public enum Outcome: Sendable {
        case cancelled
        case failed(error: String)
        case retry(after: Duration, error: String)
        case released

        var state: TaskState {
            switch self {
            case .cancelled: .cancelled
            case .failed: .failed
            case .retry, .released: .available
            }
        }

        var error: String? {
            if case .failed(let error) = self { return error }
            return nil
        }
    }

    /// Cancels a task: at once when it waits, cooperatively (flag + heartbeat) when it runs.
    /// Returns the state it ended up in, nil when no such task exists.
    public func cancel(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> TaskState? {
        let rows = try await connection.query(
            """
            UPDATE queue_task SET
                state = CASE WHEN state = 'available' THEN 'cancelled' ELSE state END,
                finished_at = CASE WHEN state = 'available' THEN now() ELSE finished_at END,
                cancel_requested = (state = 'running') OR cancel_requested
            WHERE id = \(id)
            RETURNING state
            """, logger: logger
        ).collect()
        return try rows.first.flatMap { TaskState(rawValue: try $0.decode(String.self)) }
    }

    /// Deletes finished tasks older than `retention`; returns how many.
    public func prune(olderThan retention: Duration, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.query(
            """
            WITH gone AS (
                DELETE FROM queue_task
                WHERE state IN ('completed', 'failed', 'cancelled') AND finished_at < now() - make_interval(secs => \(retention.inSeconds))
                RETURNING 1
            ) SELECT count(*)::int FROM gone
            """, logger: logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    /// Task counts per kind and state, for the depth gauges.
    public func depth(on connection: PostgresConnection, logger: Logger) async throws -> [(kind: String, state: String, count: Int)] {
        var result: [(String, String, Int)] = []
        for try await row in try await connection.query(
            "SELECT kind, state, count(*)::int FROM queue_task GROUP BY kind, state", logger: logger
        ).decode((String, String, Int).self) {
            result.append(row)
        }
        return result
    }
}
