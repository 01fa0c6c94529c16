import Logging
import PostgresNIO

extension AnalyticsService {
    /// The headline numbers of one period; `cohort` is that period's images.
    func periodTotals(range: ReportRange, cohort: [CohortRow], on connection: PostgresConnection, logger: Logger) async throws -> KPITotals {
        var totals = KPITotals()
        try await kpis.people(range: range, into: &totals, on: connection, logger: logger)
        try await kpis.jobs(range: range, into: &totals, on: connection, logger: logger)
        try await kpis.jobTimes(range: range, into: &totals, on: connection, logger: logger)
        try await kpis.money(range: range, into: &totals, on: connection, logger: logger)
        let images = cohort.totals
        totals.imagesGenerated = images.generated
        totals.imagesSaved = images[.saved].count
        return totals
    }

    /// The daily series: new users and tokens per day, with jobs and Stripe events merged in.
    func daily(
        range: ReportRange, stripe: [(day: String, type: String, count: Int64)], on connection: PostgresConnection, logger: Logger
    ) async throws -> [KPIDay] {
        var days = try await kpis.days(range: range, on: connection, logger: logger)
        let index = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1.date, $0) })
        for job in try await kpis.jobsPerDay(range: range, on: connection, logger: logger) {
            if let position = index[job.day] { days[position].jobs.set(job.type, job.count) }
        }
        for event in stripe {
            if let position = index[event.day] { days[position].stripeEvents.append(TypeCount(type: event.type, count: event.count)) }
        }
        return days
    }

    /// Per type over every day, most frequent first.
    static func summed(_ rows: [(day: String, type: String, count: Int64)]) -> [TypeCount] {
        var sums: [String: Int64] = [:]
        for row in rows { sums[row.type] = ActionCounts.sum(sums[row.type] ?? 0, row.count) }
        return sums.map { TypeCount(type: $0.key, count: $0.value) }.sorted { ($0.count, $1.type) > ($1.count, $0.type) }
    }
}

/// An archetype's or a workflow's figures, as the leaderboards rank them.
protocol RankedGroup {
    var counts: ActionCounts { get }
    /// Breaks ties, so the order is stable.
    var name: String { get }
}

extension ArchetypeStats: RankedGroup {
    var name: String { archetypeCode ?? "" }
}

extension WorkflowStats: RankedGroup {
    var name: String { workflowUID ?? "" }
}

extension Leaderboard where Entry: RankedGroup {
    /// Most generated first; best saved rate first (ties: more generated, then by name).
    init(ranking entries: [Entry]) {
        byUse = entries.sorted { ($0.counts.generated, $1.name) > ($1.counts.generated, $0.name) }
        bySaveRate = entries.sorted {
            ($0.counts[.saved].rate, $0.counts.generated, $1.name) > ($1.counts[.saved].rate, $1.counts.generated, $0.name)
        }
    }
}
