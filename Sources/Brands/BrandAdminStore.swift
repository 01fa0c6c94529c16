public import Core
public import Foundation
public import Logging
public import PostgresNIO

/// Read-only SQL of the admin brand views: every user's brands with their extraction status,
/// and the failing steps across brands.
public struct BrandAdminStore: Sendable {
    public init() {}

    /// `BrandStore`'s columns on the `b` alias, then the status columns on `s`.
    static let columns =
        BrandStore.columns.split(separator: ",").map { "b." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
        + """
        , s.fonts_status, s.fonts_error, s.colors_status, s.colors_error, s.logo_status, s.logo_error, s.hero_status, s.hero_error,
        s.insights_status, s.insights_error, s.crawled_at, s.crawl_error, s.updated_at, s.reddit_status, s.reddit_error
        """

    /// `ExtractionStatus.overall` in SQL, so the list can filter on it.
    static let overall = """
        CASE WHEN 'pending' IN (s.fonts_status, s.colors_status, s.logo_status, s.hero_status, s.insights_status, s.reddit_status) THEN 'pending'
             WHEN s.fonts_status = 'error' AND s.colors_status = 'error' AND s.logo_status = 'error' AND s.hero_status = 'error'
                  AND s.insights_status = 'error' AND s.reddit_status IN ('error', 'skipped') THEN 'error'
             WHEN 'error' IN (s.fonts_status, s.colors_status, s.logo_status, s.hero_status, s.insights_status, s.reddit_status) THEN 'partial'
             ELSE 'ok' END
        """

    static func decode(_ row: PostgresRow) throws -> AdminBrand {
        let brand = try BrandStore.decode(row)
        let c = row.makeRandomAccess()
        // A brand without a status row (written by hand) lists without one.
        let hasStatus = try c[14].decode(String?.self) != nil
        return AdminBrand(brand: brand, extraction: hasStatus ? try ExtractionStatus.decode(c, from: 14) : nil)
    }

    /// Brands whose name or website contains `query`, newest first, deleted ones included.
    public func brands(
        query: String, status: String?, userID: UUID?, after cursor: Keyset, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [AdminBrand] {
        let pattern = "%" + query.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        return try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM brand b LEFT JOIN brand_extraction_status s ON s.brand_id = b.id
            WHERE (b.name ILIKE \(pattern) OR b.website_url ILIKE \(pattern))
              AND (\(status)::text IS NULL OR \(unescaped: Self.overall) = \(status))
              AND (\(userID)::uuid IS NULL OR b.user_id = \(userID))
              AND (b.created_at, b.id) < (\(cursor.time), \(cursor.id))
            ORDER BY b.created_at DESC, b.id DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map(Self.decode)
    }

    public func brand(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> AdminBrand? {
        try await connection.query(
            """
            SELECT \(unescaped: Self.columns), s.evidence::text FROM brand b LEFT JOIN brand_extraction_status s ON s.brand_id = b.id
            WHERE b.id = \(id)
            """, logger: logger
        ).collect().first.map { row in
            var brand = try Self.decode(row)
            brand.evidence = JSONValue(storedText: try row.makeRandomAccess()[29].decode(String?.self))
            return brand
        }
    }

    /// Failing steps of every brand, newest first, at most `limit` of them.
    public func failures(step: ExtractionStep?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [ExtractionProblem.Failure] {
        try await connection.query(
            """
            SELECT b.id, b.website_url, x.step, coalesce(x.error, s.crawl_error, 'no reason recorded'), s.updated_at
            FROM brand_extraction_status s JOIN brand b ON b.id = s.brand_id
            CROSS JOIN LATERAL (VALUES ('fonts', s.fonts_status, s.fonts_error), ('colors', s.colors_status, s.colors_error),
                ('logo', s.logo_status, s.logo_error), ('hero', s.hero_status, s.hero_error),
                ('insights', s.insights_status, s.insights_error), ('reddit', s.reddit_status, s.reddit_error)) AS x(step, status, error)
            WHERE x.status = 'error' AND (\(step?.rawValue)::text IS NULL OR x.step = \(step?.rawValue))
            ORDER BY s.updated_at DESC, b.id, x.step LIMIT \(limit)
            """, logger: logger
        ).collect().map { row in
            let (id, url, step, error, at) = try row.decode((UUID, String, String, String, Date).self)
            return ExtractionProblem.Failure(brandID: id, websiteURL: url, step: step, error: error, at: at)
        }
    }
}
