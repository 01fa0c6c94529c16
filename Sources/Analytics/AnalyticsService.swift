import Core
public import Foundation
public import Logging
public import PostgresNIO
import Database

/// The reports: a user's own analytics and the admin KPIs. Read-only; every figure comes from
/// the stores' SQL, this assembles them (and checks that a named brand is the caller's).
public struct AnalyticsService: Sendable {
    let client: PostgresClient
    let analytics = AnalyticsStore()
    let kpis = KPIStore()

    public init(client: PostgresClient) {
        self.client = client
    }

    /// The caller's images (of one of their brands when `brandID` is set) generated in the range.
    /// Someone else's, a deleted or a missing brand is "not found", never "forbidden".
    public func userReport(userID: UUID, brandID: UUID?, range: ReportRange, logger: Logger) async throws -> UserReport {
        try await report(logger: logger) { connection in
            if let brandID, try await !analytics.ownsBrand(brandID, userID: userID, on: connection, logger: logger) {
                throw AppError.notFound("Brand")
            }
            let rows = try await analytics.cohort(userID: userID, brandID: brandID, range: range, on: connection, logger: logger)
            var daily = try await analytics.generatedPerDay(userID: userID, brandID: brandID, range: range, on: connection, logger: logger)
            let events = try await analytics.eventsPerDay(userID: userID, brandID: brandID, range: range, on: connection, logger: logger)
            let index = Dictionary(uniqueKeysWithValues: daily.enumerated().map { ($1.date, $0) })
            for event in events {
                if let position = index[event.day] { daily[position].events[event.type] = event.images }
            }
            return UserReport(
                from: range.from, to: range.to, brandID: brandID, totals: rows.totals, archetypes: rows.archetypes, workflows: rows.workflows,
                daily: daily)
        }
    }

    /// The installation's KPIs for the range, with the totals of the period just before it.
    public func adminKPIs(range: ReportRange, logger: Logger) async throws -> AdminKPIs {
        try await report(logger: logger) { connection in
            let rows = try await kpis.cohort(range: range, on: connection, logger: logger)
            let totals = try await periodTotals(range: range, cohort: rows, on: connection, logger: logger)
            let previousRows = try await kpis.cohort(range: range.previous, on: connection, logger: logger)
            let previous = try await periodTotals(range: range.previous, cohort: previousRows, on: connection, logger: logger)
            let stripe = try await kpis.stripeEventsPerDay(range: range, on: connection, logger: logger)
            return AdminKPIs(
                from: range.from, to: range.to, previousFrom: range.previous.from, previousTo: range.previous.to,
                totals: totals, previousTotals: previous,
                daily: try await daily(range: range, stripe: stripe, on: connection, logger: logger),
                accountsByPlan: try await kpis.accountsByPlan(on: connection, logger: logger),
                tokensByReason: try await kpis.tokensByReason(range: range, on: connection, logger: logger),
                stripeEventsByType: Self.summed(stripe),
                extractionErrors: try await kpis.extractionErrors(range: range, on: connection, logger: logger),
                archetypes: Leaderboard(ranking: rows.archetypes), workflows: Leaderboard(ranking: rows.workflows))
        }
    }

    /// Runs a report's queries in one read-only transaction: one snapshot, so the numbers agree
    /// with each other; no JIT, whose compilation (hundreds of ms here) costs more than these
    /// short aggregations save; room in memory for the per-image hash of a year of events.
    public func report<Result: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.transaction(logger: logger) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            try await connection.query("SET LOCAL jit = off", logger: logger)
            try await connection.query("SET LOCAL work_mem = '16MB'", logger: logger)
            return try await body(connection)
        }
    }
}
