import Accounts
import Core
import Foundation
import PostgresNIO
import TestSupport
import Testing

/// The limiter's window slides: the previous window still counts for the part of it that lies
/// within one window of now.
@Suite struct RateLimiterTests {
    @Test func aBurstAcrossTheWindowsEdgeIsStillOneBurst() async throws {
        try await TestDatabase.with { db in
            // The previous hour was full; it still weighs on this one (all but its last instant).
            try await db.execute(
                """
                INSERT INTO rate_limit_counter (key, window_start, hits)
                VALUES ('burst', to_timestamp(floor(extract(epoch FROM now()) / 3600) * 3600) - interval '1 hour', 100000)
                """)
            try await db.client.withConnection { connection in
                await #expect(throws: AppError.self) {
                    try await RateLimiter().hit("burst", limit: 10, window: .seconds(3600), on: connection, logger: db.logger)
                }
                await #expect(throws: AppError.self) {
                    try await RateLimiter().check("burst", limit: 10, window: .seconds(3600), on: connection, logger: db.logger)
                }
                // Another key, with no history, passes.
                try await RateLimiter().hit("calm", limit: 10, window: .seconds(3600), on: connection, logger: db.logger)
                try await RateLimiter().check("calm", limit: 10, window: .seconds(3600), on: connection, logger: db.logger)
            }
        }
    }
}
