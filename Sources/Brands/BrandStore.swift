public import Core
public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `brand`, `brand_insights` and `brand_extraction_status`.
public struct BrandStore: Sendable {
    public init() {}

    static let columns = """
        id, user_id, created_at, updated_at, is_deleted, name, website_url, language, fonts::text, colors, photos, \
        hero_photos, logo_url, website_data_url
        """

    static func decode(_ row: PostgresRow) throws -> Brand {
        let (id, userID, createdAt, updatedAt, isDeleted, name, websiteURL, language) =
            try row.decode((UUID, UUID, Date, Date, Bool, String, String, String).self, context: .default)
        let columns = row.makeRandomAccess()
        let fontsText = try columns[8].decode(String?.self)
        return Brand(
            id: id, userID: userID, createdAt: createdAt, updatedAt: updatedAt, isDeleted: isDeleted, name: name, websiteURL: websiteURL,
            language: language,
            fonts: fontsText.flatMap { try? JSONDecoder().decode([FontExtractor.RankedFont].self, from: Data($0.utf8)) },
            colors: try columns[9].decode([String]?.self), photos: try columns[10].decode([String]?.self),
            heroPhotos: try columns[11].decode([String]?.self), logoURL: try columns[12].decode(String?.self),
            websiteDataURL: try columns[13].decode(String?.self))
    }

    /// Inserts a brand with its insights and status rows; nil when `(user_id, website_url)` exists.
    public func insert(userID: UUID, name: String, websiteURL: String, language: String, on connection: PostgresConnection, logger: Logger) async throws -> Brand? {
        let rows = try await connection.query(
            """
            INSERT INTO brand (user_id, name, website_url, language) VALUES (\(userID), \(name), \(websiteURL), \(language))
            ON CONFLICT (user_id, website_url) DO NOTHING RETURNING \(unescaped: Self.columns)
            """, logger: logger
        ).collect()
        guard let brand = try rows.first.map(Self.decode) else { return nil }
        try await connection.query("INSERT INTO brand_insights (brand_id) VALUES (\(brand.id))", logger: logger)
        try await connection.query("INSERT INTO brand_extraction_status (brand_id) VALUES (\(brand.id))", logger: logger)
        return brand
    }

    /// The user's brand for this URL, deleted or not.
    public func find(userID: UUID, websiteURL: String, on connection: PostgresConnection, logger: Logger) async throws -> Brand? {
        try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM brand WHERE user_id = \(userID) AND website_url = \(websiteURL)", logger: logger
        ).collect().first.map(Self.decode)
    }

    /// A live brand of this user (nil for someone else's, a deleted or a missing one).
    public func find(_ id: UUID, userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Brand? {
        try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM brand WHERE id = \(id) AND user_id = \(userID) AND NOT is_deleted", logger: logger
        ).collect().first.map(Self.decode)
    }

    /// Any brand by id, for background work that already holds a brand id.
    public func find(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Brand? {
        try await connection.query("SELECT \(unescaped: Self.columns) FROM brand WHERE id = \(id)", logger: logger).collect().first.map(Self.decode)
    }

    public func liveCount(userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.query("SELECT count(*)::int FROM brand WHERE user_id = \(userID) AND NOT is_deleted", logger: logger)
            .collect().first?.decode(Int.self) ?? 0
    }

    /// Live brands, newest first, after the cursor.
    public func list(userID: UUID, after cursor: Keyset, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Brand] {
        try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM brand
            WHERE user_id = \(userID) AND NOT is_deleted AND (created_at, id) < (\(cursor.time), \(cursor.id))
            ORDER BY created_at DESC, id DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map(Self.decode)
    }

    public func setDeleted(_ id: UUID, _ deleted: Bool, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE brand SET is_deleted = \(deleted) WHERE id = \(id)", logger: logger)
    }

    /// Applies a validated edit; a double optional leaves a column alone (absent) or clears it (null).
    public func update(_ id: UUID, _ edit: BrandEdit, on connection: PostgresConnection, logger: Logger) async throws -> Brand? {
        let fontsJSON: String?? = edit.fonts.map { fonts in fonts.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) } }
        return try await connection.query(
            """
            UPDATE brand SET
                name = coalesce(\(edit.name), name),
                language = coalesce(\(edit.language), language),
                fonts = CASE WHEN \(fontsJSON != nil) THEN \(fontsJSON ?? nil)::jsonb ELSE fonts END,
                colors = CASE WHEN \(edit.colors != nil) THEN \(edit.colors ?? nil) ELSE colors END,
                photos = CASE WHEN \(edit.photos != nil) THEN \(edit.photos ?? nil) ELSE photos END,
                hero_photos = CASE WHEN \(edit.heroPhotos != nil) THEN \(edit.heroPhotos ?? nil) ELSE hero_photos END,
                logo_url = CASE WHEN \(edit.logoURL != nil) THEN \(edit.logoURL ?? nil) ELSE logo_url END
            WHERE id = \(id) AND NOT is_deleted
            RETURNING \(unescaped: Self.columns)
            """, logger: logger
        ).collect().first.map(Self.decode)
    }

    // MARK: Extraction results

    public func recordCrawl(
        _ id: UUID, snapshotURL: String, name: String?, language: String?, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE brand SET website_data_url = \(snapshotURL), name = coalesce(\(name), name), language = coalesce(\(language), language)
            WHERE id = \(id)
            """, logger: logger)
        try await connection.query(
            "UPDATE brand_extraction_status SET crawled_at = now(), crawl_error = NULL WHERE brand_id = \(id)", logger: logger)
    }

    public func setFonts(_ id: UUID, _ fonts: [FontExtractor.RankedFont], on connection: PostgresConnection, logger: Logger) async throws {
        let json = String(decoding: try JSONEncoder().encode(fonts), as: UTF8.self)
        try await connection.query("UPDATE brand SET fonts = \(json)::jsonb WHERE id = \(id)", logger: logger)
    }

    public func setColors(_ id: UUID, _ colors: [String], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE brand SET colors = \(colors) WHERE id = \(id)", logger: logger)
    }

    public func setLogo(_ id: UUID, _ url: String?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE brand SET logo_url = \(url) WHERE id = \(id)", logger: logger)
    }

    public func setImages(_ id: UUID, hero: [String], photos: [String], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE brand SET hero_photos = \(hero), photos = \(photos) WHERE id = \(id)", logger: logger)
    }

    /// Adds an uploaded asset's URL to the column its kind fills.
    public func addAsset(_ id: UUID, kind: AssetKind, url: String, on connection: PostgresConnection, logger: Logger) async throws -> Brand? {
        let sql: PostgresQuery =
            switch kind {
            case .logo: "UPDATE brand SET logo_url = \(url) WHERE id = \(id) RETURNING \(unescaped: Self.columns)"
            case .hero: "UPDATE brand SET hero_photos = array_append(coalesce(hero_photos, '{}'), \(url)) WHERE id = \(id) RETURNING \(unescaped: Self.columns)"
            case .photo: "UPDATE brand SET photos = array_append(coalesce(photos, '{}'), \(url)) WHERE id = \(id) RETURNING \(unescaped: Self.columns)"
            }
        return try await connection.query(sql, logger: logger).collect().first.map(Self.decode)
    }

    /// Removes `url` from whichever asset column holds it; returns the brand after.
    public func removeAsset(_ id: UUID, url: String, on connection: PostgresConnection, logger: Logger) async throws -> Brand? {
        try await connection.query(
            """
            UPDATE brand SET
                logo_url = CASE WHEN logo_url = \(url) THEN NULL ELSE logo_url END,
                hero_photos = array_remove(hero_photos, \(url)),
                photos = array_remove(photos, \(url))
            WHERE id = \(id) RETURNING \(unescaped: Self.columns)
            """, logger: logger
        ).collect().first.map(Self.decode)
    }
}

/// What an uploaded brand asset is for.
public enum AssetKind: String, Sendable, CaseIterable {
    case logo, hero, photo
}

/// A validated brand edit: nil leaves a field alone; `.some(nil)` clears a nullable field.
public struct BrandEdit: Sendable {
    public var name: String?
    public var language: String?
    public var fonts: [FontExtractor.RankedFont]??
    public var colors: [String]??
    public var photos: [String]??
    public var heroPhotos: [String]??
    public var logoURL: String??
    public init() {}
}

extension BrandStore {
    /// Merges keys into the evidence document (values are JSON text).
    public func mergeEvidence(_ id: UUID, _ evidence: [String: String], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE brand_extraction_status SET evidence = evidence || \(Self.evidencePatch(evidence))::jsonb WHERE brand_id = \(id)", logger: logger)
    }

    /// `{"key": <json>, …}` from keys and JSON texts (keys are our own step names).
    static func evidencePatch(_ evidence: [String: String]) -> String {
        "{" + evidence.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
    }
}
