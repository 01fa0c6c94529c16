public import Audit
import Core
import Database
public import Foundation
public import Logging
import PostgresNIO

/// Admin changes to accounts: bans and admin rights, each audited in its own transaction.
extension AuthService {
    /// Bans or unbans; a ban also ends every session of the user.
    public func setBanned(_ userID: UUID, _ banned: Bool, actor: AuditActor, logger: Logger) async throws -> User {
        try await client.transaction(logger: logger) { connection in
            guard let before = try await users.find(id: userID, on: connection, logger: logger),
                let user = try await users.setBanned(userID, banned, on: connection, logger: logger)
            else { throw AppError.notFound("User") }
            if banned { try await sessions.revokeAll(userID: userID, on: connection, logger: logger) }
            try await AuditLog().record(
                actor, action: banned ? "user.ban" : "user.unban", target: AuditTarget("user", userID), before: before, after: user,
                on: connection, logger: logger)
            return user
        }
    }

    /// Ends every session of a user (they sign in again), audited with how many were live.
    public func signOutEverywhere(_ userID: UUID, actor: AuditActor, logger: Logger) async throws -> User {
        try await client.transaction(logger: logger) { connection in
            guard let user = try await users.find(id: userID, on: connection, logger: logger) else { throw AppError.notFound("User") }
            let live = try await sessions.live(userID: userID, limit: 1000, on: connection, logger: logger).count
            try await sessions.revokeAll(userID: userID, on: connection, logger: logger)
            try await AuditLog().record(
                actor, action: "user.sign_out_everywhere", target: AuditTarget("user", userID), before: ["live_sessions": live],
                after: ["live_sessions": 0], on: connection, logger: logger)
            return user
        }
    }

    /// Grants or revokes admin rights (`"user".is_admin`) by email. `BLUMPO_ADMIN_EMAILS` is
    /// separate: an address listed there stays admin whatever this says.
    public func setAdmin(email rawEmail: String, _ admin: Bool, actor: AuditActor, logger: Logger) async throws -> User {
        guard let email = EmailAddress(rawEmail)?.value else { throw AppError.validation(["email": "must be an email address"]) }
        return try await client.transaction(logger: logger) { connection in
            guard let before = try await users.find(email: email, on: connection, logger: logger),
                let user = try await users.setAdmin(email: email, admin, on: connection, logger: logger)
            else { throw AppError.notFound("User") }
            try await AuditLog().record(
                actor, action: admin ? "user.admin_grant" : "user.admin_revoke", target: AuditTarget("user", user.id), before: before, after: user,
                on: connection, logger: logger)
            return user
        }
    }
}
