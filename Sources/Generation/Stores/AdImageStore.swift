public import Core
public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `ad_image` and the events recorded about images (`ad_event`).
public struct AdImageStore: Sendable {
    public init() {}

    static let imageColumns = """
        id, job_id, user_id, brand_id, created_at, title, storage_key, public_url, bytes_size, width, height, format, archetypes,
        workflow_id, variant_id, copy::text, preflight::text
        """

    static func decodeImage(_ row: PostgresRow) throws -> AdImage {
        let c = row.makeRandomAccess()
        return AdImage(
            id: try c[0].decode(UUID.self), jobID: try c[1].decode(UUID.self), userID: try c[2].decode(UUID.self), brandID: try c[3].decode(UUID?.self),
            createdAt: try c[4].decode(Date.self), title: try c[5].decode(String?.self), storageKey: try c[6].decode(String.self),
            publicURL: try c[7].decode(String?.self), bytesSize: try c[8].decode(Int64?.self), width: try c[9].decode(Int?.self),
            height: try c[10].decode(Int?.self), format: try c[11].decode(String?.self), archetypes: try c[12].decode([String]?.self),
            workflowID: try c[13].decode(UUID?.self), variantID: try c[14].decode(UUID?.self), copy: JSONValue(storedText: try c[15].decode(String?.self)),
            preflight: JSONValue(storedText: try c[16].decode(String?.self)))
    }

    public func insertImage(
        id: UUID, variant: GenerationVariant, job: GenerationJob, key: String, url: String, bytes: Int, width: Int, height: Int, format: String,
        copyJSON: String, preflightJSON: String, title: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO ad_image (id, job_id, user_id, brand_id, title, storage_key, public_url, bytes_size, width, height, format, archetypes,
                                  workflow_id, variant_id, copy, preflight)
            VALUES (\(id), \(job.id), \(job.userID), \(job.brandID), \(title), \(key), \(url), \(Int64(bytes)), \(width), \(height), \(format),
                    \([variant.archetypeCode]), \(variant.workflowID), \(variant.id), \(copyJSON)::jsonb, \(preflightJSON)::jsonb)
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
    }

    public func images(jobID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [AdImage] {
        try await connection.query(
            "SELECT \(unescaped: Self.imageColumns) FROM ad_image WHERE job_id = \(jobID) AND NOT is_deleted AND NOT ban_flag ORDER BY created_at, id",
            logger: logger
        ).collect().map(Self.decodeImage)
    }

    public func image(_ id: UUID, userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> AdImage? {
        try await connection.query(
            "SELECT \(unescaped: Self.imageColumns) FROM ad_image WHERE id = \(id) AND user_id = \(userID) AND NOT is_deleted AND NOT ban_flag",
            logger: logger
        ).collect().first.map(Self.decodeImage)
    }

    public func images(
        userID: UUID, jobID: UUID?, brandID: UUID?, after cursor: Keyset, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [AdImage] {
        try await connection.query(
            """
            SELECT \(unescaped: Self.imageColumns) FROM ad_image
            WHERE user_id = \(userID) AND NOT is_deleted AND NOT ban_flag AND (\(jobID)::uuid IS NULL OR job_id = \(jobID))
              AND (\(brandID)::uuid IS NULL OR brand_id = \(brandID)) AND (created_at, id) < (\(cursor.time), \(cursor.id))
            ORDER BY created_at DESC, id DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map(Self.decodeImage)
    }

    /// Records that the owner downloaded an image (`ad_event` `downloaded`).
    public func recordDownload(_ image: AdImage, source: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO ad_event (user_id, brand_id, job_id, ad_image_id, archetype_code, workflow_id, event_type, event_source)
            VALUES (\(image.userID), \(image.brandID), \(image.jobID), \(image.id), \(image.archetypes?.first), \(image.workflowID), 'downloaded', \(source))
            """, logger: logger)
    }
}
