import Core
import Foundation
import Testing

@testable import App

/// A request that needs the database answers 503 at the deadline instead of waiting with the pool.
@Suite struct DatabaseDeadlineTests {
    @Test func workThatOutlivesTheDeadlineIsAnsweredWithUnavailableOnTime() async throws {
        let started = ContinuousClock.now
        await #expect(throws: AppError.unavailable(code: "DATABASE_UNAVAILABLE", detail: "The database did not answer in time; try again in a few seconds.")) {
            _ = try await withDatabaseDeadline(.milliseconds(200)) {
                try? await Task.sleep(for: .seconds(120))  // like a pool waiting for a server that is down
                return 1
            }
        }
        // Far sooner than the work; not exactly at the deadline on a machine running the whole suite.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func workThatFinishesInTimeKeepsItsValueOrError() async throws {
        #expect(try await withDatabaseDeadline(.seconds(5)) { 42 } == 42)
        await #expect(throws: AppError.notFound("user")) {
            _ = try await withDatabaseDeadline(.seconds(5)) { () async throws -> Int in throw AppError.notFound("user") }
        }
    }
}
