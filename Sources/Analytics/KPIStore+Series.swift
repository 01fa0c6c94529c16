public import Logging
public import PostgresNIO

extension KPIStore {
    /// Every image created in the period, per (archetype, workflow), with how many had at least
    /// one saved / downloaded / shared / deleted / restored event in the period.
    public func cohort(range: ReportRange, on connection: PostgresConnection, logger: Logger) async throws -> [CohortRow] {
        try await connection.query(
            """
            WITH images AS (
                SELECT id, archetypes[1] AS archetype_code, workflow_id FROM ad_image
                WHERE created_at >= \(range.from) AND created_at < \(range.to)
            ), flags AS (
                SELECT ad_image_id, \(unescaped: ReportSQL.actionBits) AS kinds FROM ad_event
                WHERE created_at >= \(range.from) AND created_at < \(range.to) AND event_type IN \(unescaped: ReportSQL.reportedTypes)
                GROUP BY ad_image_id
            )
            SELECT \(unescaped: ReportSQL.cohortColumns) \(unescaped: ReportSQL.cohortTail)
            """, logger: logger
        ).collect().map(AnalyticsStore.decodeCohort)
    }

    /// Brands whose extraction last changed in the period with a step in error, per step and
    /// error text (cut to 200 characters), most frequent first; at most 100 rows.
    public func extractionErrors(range: ReportRange, on connection: PostgresConnection, logger: Logger) async throws -> [ExtractionProblem] {
        try await connection.query(
            """
            SELECT step, left(coalesce(reason, 'unknown'), 200), count(*)::int8 FROM brand_extraction_status s
            CROSS JOIN LATERAL (VALUES ('colors', s.colors_status, s.colors_error), ('fonts', s.fonts_status, s.fonts_error),
                                       ('logo', s.logo_status, s.logo_error), ('hero', s.hero_status, s.hero_error),
                                       ('insights', s.insights_status, s.insights_error)) AS steps (step, status, reason)
            WHERE s.updated_at >= \(range.from) AND s.updated_at < \(range.to) AND steps.status = 'error'
            GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 100
            """, logger: logger
        ).collect().map { try $0.decode((String, String, Int64).self) }.map { ExtractionProblem(step: $0.0, reason: $0.1, brands: $0.2) }
    }

    /// The UTC days of the period with new users and tokens granted and spent per day.
    public func days(range: ReportRange, on connection: PostgresConnection, logger: Logger) async throws -> [KPIDay] {
        try await connection.query(
            """
            WITH days AS (
                SELECT day::date FROM generate_series(date_trunc('day', \(range.from) AT TIME ZONE 'UTC'),
                    (\(range.to) - interval '1 microsecond') AT TIME ZONE 'UTC', interval '1 day') AS day
            ), joined AS (
                SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS users FROM "user"
                WHERE created_at >= \(range.from) AND created_at < \(range.to) GROUP BY 1
            ), tokens AS (
                SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day,
                       \(unescaped: Self.clamped("sum(delta) FILTER (WHERE reason IN \(Self.list(Self.grantReasons)))")) AS granted,
                       \(unescaped: Self.clamped("-sum(delta) FILTER (WHERE reason IN \(Self.list(Self.spendReasons)))")) AS spent
                FROM token_ledger WHERE occurred_at >= \(range.from) AND occurred_at < \(range.to) GROUP BY 1
            )
            SELECT to_char(days.day, 'YYYY-MM-DD'), coalesce(joined.users, 0)::int8, coalesce(tokens.granted, 0), coalesce(tokens.spent, 0)
            FROM days LEFT JOIN joined USING (day) LEFT JOIN tokens USING (day) ORDER BY days.day
            """, logger: logger
        ).collect().map { try $0.decode((String, Int64, Int64, Int64).self) }.map { date, users, granted, spent in
            var day = KPIDay(date: date)
            (day.newUsers, day.tokensGranted, day.tokensSpent) = (users, granted, spent)
            return day
        }
    }

    /// Jobs created per UTC day and status.
    public func jobsPerDay(range: ReportRange, on connection: PostgresConnection, logger: Logger) async throws -> [(day: String, type: String, count: Int64)] {
        try await connection.query(
            """
            SELECT to_char(day, 'YYYY-MM-DD'), status::text, jobs FROM (
                -- Formatting after grouping: to_char on every row costs more than the grouping.
                SELECT (created_at AT TIME ZONE 'UTC')::date AS day, status, count(*)::int8 AS jobs FROM generation_job
                WHERE created_at >= \(range.from) AND created_at < \(range.to) GROUP BY 1, 2
            ) AS per_day
            """, logger: logger
        ).collect().map { try $0.decode((String, String, Int64).self) }.map { (day: $0.0, type: $0.1, count: $0.2) }
    }

    /// Stripe events received per UTC day and type.
    public func stripeEventsPerDay(range: ReportRange, on connection: PostgresConnection, logger: Logger) async throws -> [(day: String, type: String, count: Int64)] {
        try await connection.query(
            """
            SELECT to_char(day, 'YYYY-MM-DD'), type, events FROM (
                SELECT (received_at AT TIME ZONE 'UTC')::date AS day, type, count(*)::int8 AS events FROM stripe_event
                WHERE received_at >= \(range.from) AND received_at < \(range.to) GROUP BY 1, 2
            ) AS per_day ORDER BY day, events DESC, type
            """, logger: logger
        ).collect().map { try $0.decode((String, String, Int64).self) }.map { (day: $0.0, type: $0.1, count: $0.2) }
    }
}
