import Analytics
import Core
import Database
import Foundation
import Logging
import PostgresNIO

/// `make bench` (or `BENCH_ONLY=analytics`): seeds a year of a busy installation — one million
/// ad events by default (`Benchmarks/analytics_seed.sql`; BENCH_ANALYTICS_JOBS scales it) — and
/// times every analytics and KPI query over the default 30 days and the longest period allowed (366 days), for everyone (admin) and
/// for the heaviest user (a tenth of all events). Prints the median and the slowest of 9 runs
/// after one warm-up; the target is < 100 ms per query.
enum AnalyticsBenchmark {
    static let runs = 9
    /// Jobs in the seeded year (BENCH_ANALYTICS_JOBS); images and events follow (ten events a job).
    static let jobs = BenchSize.integer("BENCH_ANALYTICS_JOBS", default: 100_000, in: 1_000...1_000_000)
    static let heavyUser = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!
    static let logger = Logger(label: "bench.analytics")

    static func run(on server: DatabaseEndpoint) async throws {
        let endpoint = try await QueueBenchmark.freshDatabase("bench_analytics", on: server)
        try await withClient(endpoint, logger: logger) { client in
            try await Migrator().migrate(client, logger: logger)
            try await Seeder().seed(client, logger: logger)
            let seeded = try await seed(client)
            let events = try await client.query("SELECT count(*)::int8 FROM ad_event", logger: logger).collect().first?.decode(Int64.self) ?? 0
            print("")
            print("analytics benchmark (\(events) ad events over a year, seeded in \(String(format: "%.0f", seeded)) s; median / slowest of \(runs) runs)")
            let now = Date()
            for days in [30.0, 366.0] {
                let range = try ReportRange(from: now.addingTimeInterval(-days * 86_400), to: now)
                print("  over \(Int(days)) days:")
                try await timeQueries(client, range: range)
            }
        }
    }

    /// Runs the seed script on one connection (it keeps temporary tables between statements).
    static func seed(_ client: PostgresClient) async throws -> Double {
        let script = try String(contentsOfFile: "Benchmarks/analytics_seed.sql", encoding: .utf8)
        let started = ContinuousClock.now
        try await client.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE TEMP TABLE bench_size AS SELECT \(jobs)::int AS jobs"), logger: logger)
            for statement in SQLScript.statements(in: script) {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
        return (ContinuousClock.now - started).inSeconds
    }

    static func timeQueries(_ client: PostgresClient, range: ReportRange) async throws {
        let user = AnalyticsStore()
        let kpis = KPIStore()
        let id = heavyUser
        let queries: [(String, @Sendable (PostgresConnection) async throws -> Void)] = [
            ("user: cohort per archetype/workflow", { _ = try await user.cohort(userID: id, brandID: nil, range: range, on: $0, logger: logger) }),
            ("user: images per day", { _ = try await user.generatedPerDay(userID: id, brandID: nil, range: range, on: $0, logger: logger) }),
            ("user: event images per day and type", { _ = try await user.eventsPerDay(userID: id, brandID: nil, range: range, on: $0, logger: logger) }),
            ("admin: cohort per archetype/workflow", { _ = try await kpis.cohort(range: range, on: $0, logger: logger) }),
            ("admin: users, active users, brands", { var t = KPITotals(); try await kpis.people(range: range, into: &t, on: $0, logger: logger) }),
            ("admin: jobs per status", { var t = KPITotals(); try await kpis.jobs(range: range, into: &t, on: $0, logger: logger) }),
            ("admin: job time median and p95", { var t = KPITotals(); try await kpis.jobTimes(range: range, into: &t, on: $0, logger: logger) }),
            ("admin: tokens and Stripe totals", { var t = KPITotals(); try await kpis.money(range: range, into: &t, on: $0, logger: logger) }),
            ("admin: tokens per reason", { _ = try await kpis.tokensByReason(range: range, on: $0, logger: logger) }),
            ("admin: accounts per plan", { _ = try await kpis.accountsByPlan(on: $0, logger: logger) }),
            ("admin: extraction errors", { _ = try await kpis.extractionErrors(range: range, on: $0, logger: logger) }),
            ("admin: days, new users, tokens", { _ = try await kpis.days(range: range, on: $0, logger: logger) }),
            ("admin: jobs per day and status", { _ = try await kpis.jobsPerDay(range: range, on: $0, logger: logger) }),
            ("admin: Stripe events per day", { _ = try await kpis.stripeEventsPerDay(range: range, on: $0, logger: logger) }),
        ]
        let service = AnalyticsService(client: client)
        for (name, query) in queries {
            // With the settings the reports run with (read-only snapshot, no JIT).
            let (median, slowest) = try await time { try await service.report(logger: logger, query) }
            print(line(name, median, slowest) + (median >= 100 ? "  (over 100 ms)" : ""))
        }
        let report = try await time { _ = try await service.userReport(userID: id, brandID: nil, range: range, logger: logger) }
        let kpiReport = try await time { _ = try await service.adminKPIs(range: range, logger: logger) }
        print(line("whole GET /analytics (heavy user)", report.median, report.slowest))
        print(line("whole GET /admin/kpis (both periods)", kpiReport.median, kpiReport.slowest))
    }

    static func line(_ name: String, _ median: Double, _ slowest: Double) -> String {
        "    " + name.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: "%8.1f ms %8.1f ms", median, slowest)
    }

    /// Median and slowest wall time in milliseconds of `runs` calls after one warm-up.
    static func time(_ body: () async throws -> Void) async throws -> (median: Double, slowest: Double) {
        try await body()
        var samples: [Double] = []
        for _ in 0..<runs {
            let started = ContinuousClock.now
            try await body()
            samples.append((ContinuousClock.now - started).inSeconds * 1000)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[samples.count - 1])
    }
}
