public import Foundation
public import Logging
public import PostgresNIO

/// The read-only SQL of a user's report: their images generated in a period, what became of
/// them, and a daily series. Nothing here writes.
public struct AnalyticsStore: Sendable {
    public init() {}

    /// Whether the brand is a live brand of this user (someone else's is answered as missing).
    public func ownsBrand(_ brandID: UUID, userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await !connection.query(
            "SELECT 1 FROM brand WHERE id = \(brandID) AND user_id = \(userID) AND NOT is_deleted", logger: logger
        ).collect().isEmpty
    }

    /// The user's images created in the range, per (archetype, workflow), with how many had at
    /// least one saved / downloaded / shared / deleted / restored event in the range.
    public func cohort(
        userID: UUID, brandID: UUID?, range: ReportRange, on connection: PostgresConnection, logger: Logger
    ) async throws -> [CohortRow] {
        try await connection.query(
            """
            WITH images AS (
                SELECT id, archetypes[1] AS archetype_code, workflow_id FROM ad_image
                WHERE user_id = \(userID) AND (\(brandID)::uuid IS NULL OR brand_id = \(brandID))
                  AND created_at >= \(range.from) AND created_at < \(range.to)
            ), flags AS (
                SELECT ad_image_id, \(unescaped: ReportSQL.actionBits) AS kinds FROM ad_event
                WHERE user_id = \(userID) AND created_at >= \(range.from) AND created_at < \(range.to)
                  AND event_type IN \(unescaped: ReportSQL.reportedTypes)
                GROUP BY ad_image_id
            )
            SELECT \(unescaped: ReportSQL.cohortColumns) \(unescaped: ReportSQL.cohortTail)
            """, logger: logger
        ).collect().map(Self.decodeCohort)
    }

    /// Every UTC day of the range with the images the user generated that day.
    public func generatedPerDay(
        userID: UUID, brandID: UUID?, range: ReportRange, on connection: PostgresConnection, logger: Logger
    ) async throws -> [DailyActivity] {
        try await connection.query(
            """
            WITH days AS (
                SELECT day::date FROM generate_series(date_trunc('day', \(range.from) AT TIME ZONE 'UTC'),
                    (\(range.to) - interval '1 microsecond') AT TIME ZONE 'UTC', interval '1 day') AS day
            ), made AS (
                SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS images FROM ad_image
                WHERE user_id = \(userID) AND (\(brandID)::uuid IS NULL OR brand_id = \(brandID))
                  AND created_at >= \(range.from) AND created_at < \(range.to)
                GROUP BY 1
            )
            SELECT to_char(days.day, 'YYYY-MM-DD'), coalesce(made.images, 0)::int8 FROM days LEFT JOIN made USING (day) ORDER BY days.day
            """, logger: logger
        ).collect().map { try $0.decode((String, Int64).self) }.map { DailyActivity(date: $0.0, generated: $0.1) }
    }

    /// Per UTC day and event type, the distinct images of the user (of the brand) with such an
    /// event that day.
    public func eventsPerDay(
        userID: UUID, brandID: UUID?, range: ReportRange, on connection: PostgresConnection, logger: Logger
    ) async throws -> [(day: String, type: String, images: Int64)] {
        try await connection.query(
            """
            SELECT to_char(day, 'YYYY-MM-DD'), event_type, count(*)::int8 FROM (
                -- Distinct first, then count: a hash of (day, type, image) beats count(DISTINCT), which sorts.
                SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date AS day, event_type, ad_image_id FROM ad_event
                WHERE user_id = \(userID) AND (\(brandID)::uuid IS NULL OR brand_id = \(brandID))
                  AND created_at >= \(range.from) AND created_at < \(range.to) AND ad_image_id IS NOT NULL
            ) AS images
            GROUP BY day, event_type
            """, logger: logger
        ).collect().map { try $0.decode((String, String, Int64).self) }.map { (day: $0.0, type: $0.1, images: $0.2) }
    }

    static func decodeCohort(_ row: PostgresRow) throws -> CohortRow {
        let (archetype, workflowID, workflowUID, generated, saved, downloaded, shared, deleted, restored) = try row.decode(
            (String?, UUID?, String?, Int64, Int64, Int64, Int64, Int64, Int64).self)
        return CohortRow(
            archetypeCode: archetype, workflowID: workflowID, workflowUID: workflowUID,
            counts: ActionCounts(
                generated: generated,
                acted: [.saved: saved, .downloaded: downloaded, .shared: shared, .deleted: deleted, .restored: restored]))
    }
}
