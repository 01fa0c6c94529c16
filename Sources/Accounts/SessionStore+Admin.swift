import Core
public import Foundation
public import Logging
public import PostgresNIO

/// A live session as an admin sees it: when and from where, never the token.
public struct SessionSummary: Sendable, Equatable {
    public let createdAt: Date
    public let lastSeenAt: Date
    public let expiresAt: Date
    public let ipAddress: String?
    public let userAgent: String?
}

extension SessionStore {
    /// A user's live sessions, most recently used first.
    public func live(userID: UUID, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [SessionSummary] {
        try await connection.query(
            """
            SELECT created_at, last_seen_at, expires_at, host(ip_address), user_agent FROM auth_session
            WHERE user_id = \(userID) AND revoked_at IS NULL AND expires_at > now()
            ORDER BY last_seen_at DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map { row in
            let (created, seen, expires, ip, agent) = try row.decode((Date, Date, Date, String?, String?).self)
            return SessionSummary(createdAt: created, lastSeenAt: seen, expiresAt: expires, ipAddress: ip, userAgent: agent)
        }
    }
}
