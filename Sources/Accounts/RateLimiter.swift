import Core
import Foundation
public import Logging
public import PostgresNIO

/// Fixed-window counters in PostgreSQL, so every app instance shares them.
public struct RateLimiter: Sendable {
    public init() {}

    /// Counts one hit on `key`; throws `rateLimited` (with the seconds until the window ends)
    /// when the window already holds `limit` hits.
    public func hit(_ key: String, limit: Int, window: Duration, on connection: PostgresConnection, logger: Logger) async throws {
        let windowSeconds = Int64(window.components.seconds)
        let row = try await connection.query(
            """
            WITH slot AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / \(windowSeconds)) * \(windowSeconds)) AS start)
            INSERT INTO rate_limit_counter (key, window_start, hits)
            SELECT \(key), start, 1 FROM slot
            ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_counter.hits + 1
            RETURNING hits, ceil(extract(epoch FROM window_start + make_interval(secs => \(Double(windowSeconds))) - now()))::int
            """, logger: logger
        ).collect()
        let (hits, secondsLeft) = try row[0].decode((Int, Int).self)
        if hits > limit { throw AppError.rateLimited(retryAfterSeconds: max(1, secondsLeft)) }
    }

    /// Refuses (like `hit`) when the current window already holds `limit` hits, without counting.
    public func check(_ key: String, limit: Int, window: Duration, on connection: PostgresConnection, logger: Logger) async throws {
        let windowSeconds = Int64(window.components.seconds)
        let row = try await connection.query(
            """
            SELECT hits, ceil(extract(epoch FROM window_start + make_interval(secs => \(Double(windowSeconds))) - now()))::int
            FROM rate_limit_counter
            WHERE key = \(key) AND window_start = to_timestamp(floor(extract(epoch FROM now()) / \(windowSeconds)) * \(windowSeconds))
            """, logger: logger
        ).collect()
        if let (hits, secondsLeft) = try row.first?.decode((Int, Int).self), hits >= limit {
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
