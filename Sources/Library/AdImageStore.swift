public import Core
public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `ad_image`. Reads join the variant (for the ad format) and the brand (for its name);
/// banned and purged images are invisible to every owner-facing read.
public struct AdImageStore: Sendable {
    public init() {}

    /// A finished ad to keep; the id is the variant's, so a retried variant overwrites.
    public struct NewImage: Sendable {
        public let id: UUID, jobID: UUID, userID: UUID, brandID: UUID?, workflowID: UUID?, archetype: String
        public let key: String, url: String, bytes: Int, width: Int, height: Int, format: String
        public let copyJSON: String, preflightJSON: String, title: String

        public init(
            id: UUID, jobID: UUID, userID: UUID, brandID: UUID?, workflowID: UUID?, archetype: String, key: String, url: String, bytes: Int,
            width: Int, height: Int, format: String, copyJSON: String, preflightJSON: String, title: String
        ) {
            (self.id, self.jobID, self.userID, self.brandID, self.workflowID, self.archetype) = (id, jobID, userID, brandID, workflowID, archetype)
            (self.key, self.url, self.bytes, self.width, self.height, self.format) = (key, url, bytes, width, height, format)
            (self.copyJSON, self.preflightJSON, self.title) = (copyJSON, preflightJSON, title)
        }
    }

    static let columns = """
        i.id, i.job_id, i.user_id, i.brand_id, i.created_at, i.title, i.storage_key, i.public_url, i.bytes_size, i.width, i.height, i.format,
        i.archetypes, i.workflow_id, i.variant_id, i.copy::text, i.preflight::text, i.is_saved, i.delete_at, v.format, b.name, i.ban_flag, i.blob_hidden, i.is_deleted
        """
    static let from = "ad_image i LEFT JOIN generation_variant v ON v.id = i.variant_id LEFT JOIN brand b ON b.id = i.brand_id"

    static func decode(_ row: PostgresRow) throws -> AdImage {
        let c = row.makeRandomAccess()
        return AdImage(
            id: try c[0].decode(UUID.self), jobID: try c[1].decode(UUID.self), userID: try c[2].decode(UUID.self), brandID: try c[3].decode(UUID?.self),
            createdAt: try c[4].decode(Date.self), title: try c[5].decode(String?.self), storageKey: try c[6].decode(String.self),
            publicURL: try c[7].decode(String?.self), bytesSize: try c[8].decode(Int64?.self), width: try c[9].decode(Int?.self),
            height: try c[10].decode(Int?.self), format: try c[11].decode(String?.self), archetypes: try c[12].decode([String]?.self),
            workflowID: try c[13].decode(UUID?.self), variantID: try c[14].decode(UUID?.self), copy: JSONValue(storedText: try c[15].decode(String?.self)),
            preflight: JSONValue(storedText: try c[16].decode(String?.self)), isSaved: try c[17].decode(Bool.self), deleteAt: try c[18].decode(Date?.self),
            adFormat: try c[19].decode(String?.self), brandName: try c[20].decode(String?.self), banned: try c[21].decode(Bool.self),
            blobHidden: try c[22].decode(Bool.self), isPurged: try c[23].decode(Bool.self))
    }

    public func insert(_ image: NewImage, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO ad_image (id, job_id, user_id, brand_id, title, storage_key, public_url, bytes_size, width, height, format, archetypes,
                                  workflow_id, variant_id, copy, preflight)
            VALUES (\(image.id), \(image.jobID), \(image.userID), \(image.brandID), \(image.title), \(image.key), \(image.url), \(Int64(image.bytes)),
                    \(image.width), \(image.height), \(image.format), \([image.archetype]), \(image.workflowID), \(image.id),
                    \(image.copyJSON)::jsonb, \(image.preflightJSON)::jsonb)
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
    }

    /// A job's images that are neither in the bin, purged nor banned, oldest first.
    public func images(jobID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [AdImage] {
        try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from)
            WHERE i.job_id = \(jobID) AND i.delete_at IS NULL AND NOT i.is_deleted AND NOT i.ban_flag ORDER BY i.created_at, i.id
            """, logger: logger
        ).collect().map(Self.decode)
    }

    /// The owner's image, in the bin or not; nil when purged, banned or someone else's.
    public func image(_ id: UUID, userID: UUID, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> AdImage? {
        try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from)
            WHERE i.id = \(id) AND i.user_id = \(userID) AND NOT i.is_deleted AND NOT i.ban_flag
            \(unescaped: forUpdate ? "FOR UPDATE OF i" : "")
            """, logger: logger
        ).collect().first.map(Self.decode)
    }

    /// The owner's images among `ids` (purged, banned and others' left out), locked when asked.
    public func images(_ ids: [UUID], userID: UUID, forUpdate: Bool, on connection: PostgresConnection, logger: Logger) async throws -> [AdImage] {
        try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from)
            WHERE i.id = ANY(\(ids)) AND i.user_id = \(userID) AND NOT i.is_deleted AND NOT i.ban_flag
            ORDER BY i.created_at DESC, i.id DESC \(unescaped: forUpdate ? "FOR UPDATE OF i" : "")
            """, logger: logger
        ).collect().map(Self.decode)
    }

    /// Any image by id, whatever its state (admin and background work).
    public func anyImage(_ id: UUID, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> AdImage? {
        try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from) WHERE i.id = \(id) \(unescaped: forUpdate ? "FOR UPDATE OF i" : "")",
            logger: logger
        ).collect().first.map(Self.decode)
    }

    /// The library: the owner's images matching `filter`, newest first, from `cursor` on.
    public func library(
        userID: UUID, _ filter: LibraryFilter, after cursor: Keyset, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [AdImage] {
        let state: String = switch filter.state {
        case .active: "i.delete_at IS NULL"
        case .saved: "i.delete_at IS NULL AND i.is_saved"
        case .deleted: "i.delete_at IS NOT NULL"
        }
        return try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from)
            WHERE i.user_id = \(userID) AND NOT i.is_deleted AND NOT i.ban_flag AND \(unescaped: state)
              AND (\(filter.jobID)::uuid IS NULL OR i.job_id = \(filter.jobID))
              AND (\(filter.brandID)::uuid IS NULL OR i.brand_id = \(filter.brandID))
              AND (\(filter.workflowID)::uuid IS NULL OR i.workflow_id = \(filter.workflowID))
              AND (\(filter.archetype)::text IS NULL OR \(filter.archetype) = ANY(i.archetypes))
              AND (\(filter.adFormat)::text IS NULL OR v.format = \(filter.adFormat))
              AND (\(filter.from)::timestamptz IS NULL OR i.created_at >= \(filter.from))
              AND (\(filter.to)::timestamptz IS NULL OR i.created_at < \(filter.to))
              AND (i.created_at, i.id) < (\(cursor.time), \(cursor.id))
            ORDER BY i.created_at DESC, i.id DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map(Self.decode)
    }
}

extension AdImageStore {
    /// Every user's images for moderation, purged ones included, newest first.
    public func adminList(_ filter: AdminImageFilter, after cursor: Keyset, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [AdImage] {
        try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from)
            WHERE (\(filter.userID)::uuid IS NULL OR i.user_id = \(filter.userID))
              AND (\(filter.brandID)::uuid IS NULL OR i.brand_id = \(filter.brandID))
              AND (\(filter.banned)::boolean IS NULL OR i.ban_flag = \(filter.banned))
              AND (i.created_at, i.id) < (\(cursor.time), \(cursor.id))
            ORDER BY i.created_at DESC, i.id DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map(Self.decode)
    }
}
