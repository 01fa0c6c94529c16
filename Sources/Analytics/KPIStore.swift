import Billing
public import Logging
public import PostgresNIO

/// The read-only SQL of the admin KPIs over the whole installation. Each method is one
/// statement; totals are asked once for the period and once for the period before.
public struct KPIStore: Sendable {
    public init() {}

    /// Reasons that put tokens into accounts (net: a refill that expires more than it grants, or
    /// an admin removal, counts negative) and those that take them out for work (a reservation
    /// less its refund).
    static let grantReasons: [LedgerReason] = [.signupGrant, .subscriptionActivation, .subscriptionRefill, .topupPurchase, .adminAdjust]
    static let spendReasons: [LedgerReason] = [.jobReserve, .jobRefund]

    static func list(_ reasons: [LedgerReason]) -> String {
        "(" + reasons.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }

    /// A numeric sum as bigint, clamped so an absurd ledger cannot turn into an SQL error.
    static func clamped(_ sum: String) -> String {
        "greatest(least(coalesce(\(sum), 0), 9223372036854775807), -9223372036854775808)::int8"
    }

    /// Users (all, new), active users (a session alive and seen in the period, or a job created
    /// in it), brands (live, new).
    public func people(range: ReportRange, into totals: inout KPITotals, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query(
            """
            SELECT (SELECT count(*) FROM "user" WHERE created_at < \(range.to))::int8,
                   (SELECT count(*) FROM "user" WHERE created_at >= \(range.from) AND created_at < \(range.to))::int8,
                   (SELECT count(*) FROM (
                        SELECT user_id FROM auth_session WHERE created_at < \(range.to) AND last_seen_at >= \(range.from)
                        UNION SELECT user_id FROM generation_job WHERE created_at >= \(range.from) AND created_at < \(range.to)) AS active)::int8,
                   (SELECT count(*) FROM brand WHERE NOT is_deleted AND created_at < \(range.to))::int8,
                   (SELECT count(*) FROM brand WHERE NOT is_deleted AND created_at >= \(range.from) AND created_at < \(range.to))::int8
            """, logger: logger
        ).collect().map { try $0.decode((Int64, Int64, Int64, Int64, Int64).self) }
        guard let row = rows.first else { return }
        (totals.users, totals.newUsers, totals.activeUsers, totals.brands, totals.newBrands) = row
    }

    /// Jobs created in the period per status.
    public func jobs(range: ReportRange, into totals: inout KPITotals, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query(
            """
            SELECT status::text, count(*)::int8 FROM generation_job
            WHERE created_at >= \(range.from) AND created_at < \(range.to) GROUP BY status
            """, logger: logger
        ).collect().map { try $0.decode((String, Int64).self) }
        for (status, count) in rows { totals.jobs.set(status, count) }
    }

    /// Median and 95th percentile of `completed_at - started_at` in seconds, over the jobs
    /// created in the period that finished (succeeded or failed); nil when none did.
    public func jobTimes(range: ReportRange, into totals: inout KPITotals, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query(
            """
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds), percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds)
            FROM (SELECT extract(epoch FROM completed_at - started_at)::float8 AS seconds FROM generation_job
                  WHERE created_at >= \(range.from) AND created_at < \(range.to) AND status IN ('SUCCEEDED', 'FAILED')
                    AND started_at IS NOT NULL AND completed_at IS NOT NULL) AS finished
            """, logger: logger
        ).collect().map { try $0.decode((Double?, Double?).self) }
        if let row = rows.first { (totals.jobSecondsMedian, totals.jobSecondsP95) = row }
    }

    /// Tokens granted and spent (see `grantReasons`), and Stripe events received, in the period.
    public func money(range: ReportRange, into totals: inout KPITotals, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.clamped("sum(delta) FILTER (WHERE reason IN \(Self.list(Self.grantReasons)))")),
                   \(unescaped: Self.clamped("-sum(delta) FILTER (WHERE reason IN \(Self.list(Self.spendReasons)))")),
                   (SELECT count(*) FROM stripe_event WHERE received_at >= \(range.from) AND received_at < \(range.to))::int8
            FROM token_ledger WHERE occurred_at >= \(range.from) AND occurred_at < \(range.to)
            """, logger: logger
        ).collect().map { try $0.decode((Int64, Int64, Int64).self) }
        if let row = rows.first { (totals.tokensGranted, totals.tokensSpent, totals.stripeEvents) = row }
    }

    /// Token movements in the period per ledger reason.
    public func tokensByReason(range: ReportRange, on connection: PostgresConnection, logger: Logger) async throws -> [TypeCount] {
        try await connection.query(
            """
            SELECT reason, \(unescaped: Self.clamped("sum(delta)")) FROM token_ledger
            WHERE occurred_at >= \(range.from) AND occurred_at < \(range.to) GROUP BY reason ORDER BY reason
            """, logger: logger
        ).collect().map { try $0.decode((String, Int64).self) }.map { TypeCount(type: $0.0, count: $0.1) }
    }

    /// Token accounts per plan, now.
    public func accountsByPlan(on connection: PostgresConnection, logger: Logger) async throws -> [TypeCount] {
        try await connection.query(
            "SELECT plan_code, count(*)::int8 FROM token_account GROUP BY plan_code ORDER BY 2 DESC, 1", logger: logger
        ).collect().map { try $0.decode((String, Int64).self) }.map { TypeCount(type: $0.0, count: $0.1) }
    }
}
