public import Core
public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `"user"` rows.
public struct UserStore: Sendable {
    public init() {}

    static let columns = "id, email, display_name, photo_url, phone_number, created_at, last_login_at, ban_flag, is_admin"

    public func find(id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> User? {
        try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM \"user\" WHERE id = \(id)", logger: logger
        ).collect().first.map(Self.decode)
    }

    public func find(email: String, on connection: PostgresConnection, logger: Logger) async throws -> User? {
        try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM \"user\" WHERE email = \(email)", logger: logger
        ).collect().first.map(Self.decode)
    }

    /// Inserts the user unless the email exists; returns the row and whether it is new.
    public func findOrCreate(email: String, on connection: PostgresConnection, logger: Logger) async throws -> (User, created: Bool) {
        let inserted = try await connection.query(
            "INSERT INTO \"user\" (email) VALUES (\(email)) ON CONFLICT (email) DO NOTHING RETURNING \(unescaped: Self.columns)",
            logger: logger
        ).collect()
        if let row = inserted.first { return (try Self.decode(row), true) }
        guard let existing = try await find(email: email, on: connection, logger: logger) else {
            throw PostgresUnexpectedState("user \(email) vanished during sign-in")
        }
        return (existing, false)
    }

    public func recordLogin(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(#"UPDATE "user" SET last_login_at = now() WHERE id = \#(id)"#, logger: logger)
    }

    public func updateProfile(
        _ id: UUID, displayName: String??, photoURL: String??, phoneNumber: String??, on connection: PostgresConnection, logger: Logger
    ) async throws -> User? {
        // A double optional: absent leaves the column alone, null clears it.
        try await connection.query(
            #"""
            UPDATE "user" SET
                display_name = CASE WHEN \#(displayName != nil) THEN \#(displayName ?? nil) ELSE display_name END,
                photo_url = CASE WHEN \#(photoURL != nil) THEN \#(photoURL ?? nil) ELSE photo_url END,
                phone_number = CASE WHEN \#(phoneNumber != nil) THEN \#(phoneNumber ?? nil) ELSE phone_number END
            WHERE id = \#(id)
            RETURNING \#(unescaped: Self.columns)
            """#, logger: logger
        ).collect().first.map(Self.decode)
    }

    public func changeEmail(_ id: UUID, to email: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(#"UPDATE "user" SET email = \#(email) WHERE id = \#(id)"#, logger: logger)
    }

    public func setBanned(_ id: UUID, _ banned: Bool, on connection: PostgresConnection, logger: Logger) async throws -> User? {
        try await connection.query(
            #"""
            UPDATE "user" SET ban_flag = \#(banned) WHERE id = \#(id)
            RETURNING \#(unescaped: Self.columns)
            """#, logger: logger
        ).collect().first.map(Self.decode)
    }

    /// Grants or revokes admin rights by email; nil when no user has that email.
    public func setAdmin(email: String, _ admin: Bool, on connection: PostgresConnection, logger: Logger) async throws -> User? {
        try await connection.query(
            #"UPDATE "user" SET is_admin = \#(admin) WHERE email = \#(email) RETURNING \#(unescaped: Self.columns)"#, logger: logger
        ).collect().first.map(Self.decode)
    }

    /// Users whose email or name contains `query`, newest first, after `cursor`.
    public func search(
        query: String, after cursor: Keyset, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [User] {
        let pattern = "%" + query.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        return try await connection.query(
            #"""
            SELECT \#(unescaped: Self.columns) FROM "user"
            WHERE (email ILIKE \#(pattern) OR coalesce(display_name, '') ILIKE \#(pattern))
              AND (created_at, id) < (\#(cursor.time), \#(cursor.id))
            ORDER BY created_at DESC, id DESC
            LIMIT \#(limit)
            """#, logger: logger
        ).collect().map(Self.decode)
    }

    static func decode(_ row: PostgresRow) throws -> User {
        let (id, email, name, photo, phone, created, lastLogin, banned, admin) = try row.decode(
            (UUID, String, String?, String?, String?, Date, Date?, Bool, Bool).self)
        return User(
            id: id, email: email, displayName: name, photoURL: photo, phoneNumber: phone, createdAt: created,
            lastLoginAt: lastLogin, banFlag: banned, isAdmin: admin)
    }
}

/// The database answered in a way that should be impossible.
public struct PostgresUnexpectedState: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
