public import Foundation
public import Logging
public import PostgresNIO

/// The state changes of `ad_image`: saved, the bin, share links, bans, the purge.
extension AdImageStore {
    /// How long an image stays in the bin before the purge removes its file.
    public static let binDays = 14

    /// Sets the saved flag; false when it already had that value (nothing changed).
    public func setSaved(_ id: UUID, _ saved: Bool, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await changed(
            connection.query("UPDATE ad_image SET is_saved = \(saved) WHERE id = \(id) AND is_saved <> \(saved) RETURNING id", logger: logger))
    }

    /// Puts an image in the bin for `binDays`; false when it was there already.
    public func moveToBin(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await changed(
            connection.query(
                """
                UPDATE ad_image SET delete_at = now() + \(Self.binDays) * interval '1 day', share_token = NULL
                WHERE id = \(id) AND delete_at IS NULL AND NOT is_deleted RETURNING id
                """, logger: logger))
    }

    /// Takes an image out of the bin before its purge; false when it was not in the bin.
    public func restore(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await changed(
            connection.query(
                "UPDATE ad_image SET delete_at = NULL WHERE id = \(id) AND delete_at IS NOT NULL AND NOT is_deleted RETURNING id", logger: logger))
    }

    /// The image's share token, made on first use (concurrent shares agree on one token).
    public func shareToken(_ id: UUID, candidate: String, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        try await connection.query(
            """
            UPDATE ad_image SET share_token = COALESCE(share_token, \(candidate)) WHERE id = \(id) RETURNING share_token
            """, logger: logger
        ).collect().first?.decode(String?.self) ?? nil
    }

    /// The image a share link names, only while it is out of the bin, not purged and not banned.
    public func sharedImage(token: String, on connection: PostgresConnection, logger: Logger) async throws -> AdImage? {
        try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from)
            WHERE i.share_token = \(token) AND i.delete_at IS NULL AND NOT i.is_deleted AND NOT i.ban_flag
            """, logger: logger
        ).collect().first.map(Self.decode)
    }

    /// Bans or unbans; false when the flag already had that value.
    public func setBanned(_ id: UUID, _ banned: Bool, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await changed(
            connection.query("UPDATE ad_image SET ban_flag = \(banned) WHERE id = \(id) AND ban_flag <> \(banned) RETURNING id", logger: logger))
    }

    public func setBlobHidden(_ id: UUID, _ hidden: Bool, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE ad_image SET blob_hidden = \(hidden) WHERE id = \(id)", logger: logger)
    }

    /// Bin images past their time, locked for this purge (other instances skip them).
    public func dueForPurge(limit: Int, skipping: [UUID] = [], on connection: PostgresConnection, logger: Logger) async throws -> [AdImage] {
        try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from)
            WHERE i.delete_at IS NOT NULL AND i.delete_at <= now() AND NOT i.is_deleted AND i.id <> ALL(\(skipping))
            ORDER BY i.delete_at LIMIT \(limit) FOR UPDATE OF i SKIP LOCKED
            """, logger: logger
        ).collect().map(Self.decode)
    }

    /// Images whose file is not where their ban says (a move that was interrupted or raced).
    public func visibilityMismatches(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        try await connection.query(
            "SELECT id FROM ad_image WHERE ban_flag <> blob_hidden AND NOT is_deleted LIMIT \(limit)", logger: logger
        ).collect().map { try $0.decode(UUID.self) }
    }

    /// The row stays (history and analytics keep it); the file is gone.
    public func markPurged(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE ad_image SET is_deleted = true, share_token = NULL WHERE id = \(id)", logger: logger)
    }

    private func changed(_ rows: PostgresRowSequence) async throws -> Bool {
        try await rows.collect().count == 1
    }
}
