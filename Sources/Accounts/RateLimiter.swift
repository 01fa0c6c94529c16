import Core
import Foundation
public import Logging
public import PostgresNIO

/// Fixed-window counters in PostgreSQL, so every app instance shares them.
public struct RateLimiter: Sendable {
    public init() {}

    /// Counts one hit on `key`; throws `rateLimited` (with the seconds until the window ends)
    /// when the window already holds `limit` hits. The previous window counts too, weighted by how
    /// much of it still lies within one window of now (a sliding window, approximated): a burst
    /// at the end of one hour and the start of the next is one burst, not twice the limit.
    public func hit(_ key: String, limit: Int, window: Duration, on connection: PostgresConnection, logger: Logger) async throws {
        let seconds = Int64(window.components.seconds)
        let row = try await connection.query(
            """
            WITH slot AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / \(seconds)) * \(seconds)) AS start),
            bumped AS (
                INSERT INTO rate_limit_counter (key, window_start, hits)
                SELECT \(key), start, 1 FROM slot
                ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_counter.hits + 1
                RETURNING hits, window_start)
            SELECT (b.hits + coalesce(p.hits, 0) * greatest(0, 1 - extract(epoch FROM now() - b.window_start)::float8 / \(seconds)))::float8,
                ceil(extract(epoch FROM b.window_start + make_interval(secs => \(Double(seconds))) - now()))::int
            FROM bumped b
            LEFT JOIN rate_limit_counter p ON p.key = \(key) AND p.window_start = b.window_start - make_interval(secs => \(Double(seconds)))
            """, logger: logger
        ).collect()
        let (weighted, secondsLeft) = try row[0].decode((Double, Int).self)
        if weighted > Double(limit) { throw AppError.rateLimited(retryAfterSeconds: max(1, secondsLeft)) }
    }

    /// Refuses (like `hit`) when the window already holds `limit` hits, without counting.
    public func check(_ key: String, limit: Int, window: Duration, on connection: PostgresConnection, logger: Logger) async throws {
        let seconds = Int64(window.components.seconds)
        let row = try await connection.query(
            """
            WITH slot AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / \(seconds)) * \(seconds)) AS start)
            SELECT (coalesce(c.hits, 0) + coalesce(p.hits, 0) * greatest(0, 1 - extract(epoch FROM now() - s.start)::float8 / \(seconds)))::float8,
                ceil(extract(epoch FROM s.start + make_interval(secs => \(Double(seconds))) - now()))::int
            FROM slot s
            LEFT JOIN rate_limit_counter c ON c.key = \(key) AND c.window_start = s.start
            LEFT JOIN rate_limit_counter p ON p.key = \(key) AND p.window_start = s.start - make_interval(secs => \(Double(seconds)))
            """, logger: logger
        ).collect()
        if let (weighted, secondsLeft) = try row.first?.decode((Double, Int).self), weighted >= Double(limit) {
            throw AppError.rateLimited(retryAfterSeconds: max(1, secondsLeft))
        }
    }

    /// Forgets windows that ended before `cutoff` ago.
    public func prune(olderThan cutoff: Duration, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "DELETE FROM rate_limit_counter WHERE window_start < now() - make_interval(secs => \(cutoff.inSeconds))",
            logger: logger)
    }
}
