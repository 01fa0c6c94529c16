public import Foundation
public import Logging
public import PostgresNIO

/// `brand_extraction_status`: each step's status and error, the crawl's outcome, the evidence.
extension BrandStore {
    /// Marks steps pending again before they are queued.
    public func resetSteps(_ id: UUID, _ steps: [ExtractionStep], on connection: PostgresConnection, logger: Logger) async throws {
        let names = steps.map(\.rawValue)
        try await connection.query(
            """
            UPDATE brand_extraction_status SET
                fonts_status = CASE WHEN 'fonts' = ANY(\(names)) THEN 'pending' ELSE fonts_status END,
                fonts_error = CASE WHEN 'fonts' = ANY(\(names)) THEN NULL ELSE fonts_error END,
                colors_status = CASE WHEN 'colors' = ANY(\(names)) THEN 'pending' ELSE colors_status END,
                colors_error = CASE WHEN 'colors' = ANY(\(names)) THEN NULL ELSE colors_error END,
                logo_status = CASE WHEN 'logo' = ANY(\(names)) THEN 'pending' ELSE logo_status END,
                logo_error = CASE WHEN 'logo' = ANY(\(names)) THEN NULL ELSE logo_error END,
                hero_status = CASE WHEN 'hero' = ANY(\(names)) THEN 'pending' ELSE hero_status END,
                hero_error = CASE WHEN 'hero' = ANY(\(names)) THEN NULL ELSE hero_error END,
                insights_status = CASE WHEN 'insights' = ANY(\(names)) THEN 'pending' ELSE insights_status END,
                insights_error = CASE WHEN 'insights' = ANY(\(names)) THEN NULL ELSE insights_error END,
                reddit_status = CASE WHEN 'reddit' = ANY(\(names)) THEN 'pending' ELSE reddit_status END,
                reddit_error = CASE WHEN 'reddit' = ANY(\(names)) THEN NULL ELSE reddit_error END
            WHERE brand_id = \(id)
            """, logger: logger)
    }

    /// Records a step's outcome and, when given, its evidence under `evidence.<key>`. A skipped
    /// step keeps its reason in the error column.
    public func finishStep(
        _ id: UUID, _ step: ExtractionStep, error: String?, skipped: Bool = false, evidence: [String: String] = [:], on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let status: StepStatus = skipped ? .skipped : error == nil ? .ok : .error
        let patch = Self.evidencePatch(evidence)
        // Column names come from the closed enum, never from input.
        try await connection.query(
            """
            UPDATE brand_extraction_status SET
                \(unescaped: step.rawValue)_status = \(status.rawValue), \(unescaped: step.rawValue)_error = \(error),
                evidence = evidence || \(patch)::jsonb
            WHERE brand_id = \(id)
            """, logger: logger)
    }

    /// Fails every step still pending (the crawl failed for good).
    public func failPending(_ id: UUID, crawlError: String, on connection: PostgresConnection, logger: Logger) async throws {
        let message = "website could not be crawled: \(crawlError)"
        try await connection.query(
            """
            UPDATE brand_extraction_status SET
                crawl_error = \(crawlError),
                fonts_status = CASE WHEN fonts_status = 'pending' THEN 'error' ELSE fonts_status END,
                fonts_error = CASE WHEN fonts_status = 'pending' THEN \(message) ELSE fonts_error END,
                colors_status = CASE WHEN colors_status = 'pending' THEN 'error' ELSE colors_status END,
                colors_error = CASE WHEN colors_status = 'pending' THEN \(message) ELSE colors_error END,
                logo_status = CASE WHEN logo_status = 'pending' THEN 'error' ELSE logo_status END,
                logo_error = CASE WHEN logo_status = 'pending' THEN \(message) ELSE logo_error END,
                hero_status = CASE WHEN hero_status = 'pending' THEN 'error' ELSE hero_status END,
                hero_error = CASE WHEN hero_status = 'pending' THEN \(message) ELSE hero_error END,
                insights_status = CASE WHEN insights_status = 'pending' THEN 'error' ELSE insights_status END,
                insights_error = CASE WHEN insights_status = 'pending' THEN \(message) ELSE insights_error END,
                reddit_status = CASE WHEN reddit_status = 'pending' THEN 'error' ELSE reddit_status END,
                reddit_error = CASE WHEN reddit_status = 'pending' THEN \(message) ELSE reddit_error END
            WHERE brand_id = \(id)
            """, logger: logger)
    }

    public func status(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> ExtractionStatus? {
        let rows = try await connection.query(
            """
            SELECT fonts_status, fonts_error, colors_status, colors_error, logo_status, logo_error, hero_status, hero_error,
                   insights_status, insights_error, crawled_at, crawl_error, updated_at, reddit_status, reddit_error
            FROM brand_extraction_status WHERE brand_id = \(id)
            """, logger: logger
        ).collect()
        guard let row = rows.first?.makeRandomAccess() else { return nil }
        return try ExtractionStatus.decode(row, from: 0)
    }

    /// The evidence document as JSON text.
    public func evidence(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> String {
        try await connection.query("SELECT evidence::text FROM brand_extraction_status WHERE brand_id = \(id)", logger: logger)
            .collect().first?.decode(String.self) ?? "{}"
    }
}
