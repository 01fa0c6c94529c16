import Core
import Crypto
import NIOCore
public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `auth_session`. Only the SHA-256 of a token is stored, so a database leak reveals no
/// usable session.
public struct SessionStore: Sendable {
    public init() {}

    /// Creates a session and returns its token (256 random bits, base64url) and expiry.
    public func create(
        userID: UUID, ttl: Duration, origin: RequestOrigin, on connection: PostgresConnection, logger: Logger
    ) async throws -> (token: String, expiresAt: Date) {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let token = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let expiresAt = try await connection.query(
            """
            INSERT INTO auth_session (user_id, token_hash, expires_at, ip_address, user_agent)
            VALUES (\(userID), \(Self.hash(token)), now() + make_interval(secs => \(ttl.inSeconds)),
                    \(origin.ipAddress)::inet, \(origin.userAgent))
            RETURNING expires_at
            """, logger: logger
        ).collect()[0].decode(Date.self)
        return (token, expiresAt)
    }

    /// The user behind a live token. Slides the expiry forward, at most once a minute per session.
    /// Every call asks PostgreSQL, so a revoked session or a ban takes effect at once.
    public func user(forToken token: String, ttl: Duration, on connection: PostgresConnection, logger: Logger) async throws -> User? {
        var found: User?
        for try await user in try await connection.execute(LiveSessionUser(tokenHash: Self.hash(token), ttlSeconds: ttl.inSeconds), logger: logger) {
            found = found ?? user
        }
        return found
    }

    public func revoke(token: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE auth_session SET revoked_at = now() WHERE token_hash = \(Self.hash(token)) AND revoked_at IS NULL", logger: logger)
    }

    public func revokeAll(userID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE auth_session SET revoked_at = now() WHERE user_id = \(userID) AND revoked_at IS NULL", logger: logger)
    }

    /// Deletes sessions that expired or were revoked more than a day ago.
    public func prune(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.query(
            """
            WITH gone AS (
                DELETE FROM auth_session WHERE expires_at < now() - interval '1 day' OR revoked_at < now() - interval '1 day' RETURNING 1
            ) SELECT count(*)::int FROM gone
            """, logger: logger
        ).collect()[0].decode(Int.self)
    }

    /// Bound as `bytea` (a `[UInt8]` would bind as an array of `"char"`).
    static func hash(_ token: String) -> ByteBuffer {
        ByteBuffer(bytes: SHA256.hash(data: Data(token.utf8)))
    }
}

/// `SessionStore.user(forToken:)`'s statement, prepared once per connection: it runs on every
/// authenticated request, and planning it (a join and a data-modifying CTE) cost PostgreSQL
/// several times more than running it. The statement, and so what it checks, is unchanged.
struct LiveSessionUser: PostgresPreparedStatement {
    static let sql = """
        WITH live AS (
            SELECT id, user_id, last_seen_at FROM auth_session
            WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
        ), touched AS (
            UPDATE auth_session s SET last_seen_at = now(), expires_at = now() + make_interval(secs => $2)
            FROM live WHERE s.id = live.id AND live.last_seen_at < now() - interval '1 minute'
        )
        SELECT u.id, u.email, u.display_name, u.photo_url, u.phone_number, u.created_at, u.last_login_at, u.ban_flag, u.is_admin
        FROM live JOIN "user" u ON u.id = live.user_id
        """
    typealias Row = User

    let tokenHash: ByteBuffer
    let ttlSeconds: Double

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(tokenHash)
        bindings.append(ttlSeconds)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> User {
        try UserStore.decode(row)
    }
}
