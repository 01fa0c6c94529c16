import Core
public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `auth_otp`: issuing, re-issuing, counting failures, consuming.
public struct OTPStore: Sendable {
    public init() {}

    /// The newest unconsumed code for an email and purpose, live or not.
    public struct Challenge: Sendable {
        public let id: UUID
        public let codeHash: String
        public let expiresAt: Date
        public let attempts: Int
        public let maxAttempts: Int
        public let resendCount: Int
        public let userID: UUID?
    }

    public func newest(email: String, purpose: OTPPurpose, lock: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> Challenge? {
        try await connection.query(
            """
            SELECT id, code_hash, expires_at, attempts, max_attempts, resend_count, user_id FROM auth_otp
            WHERE email = \(email) AND purpose = \(purpose.rawValue) AND consumed_at IS NULL
            ORDER BY created_at DESC LIMIT 1 \(unescaped: lock ? "FOR UPDATE" : "")
            """, logger: logger
        ).collect().first.map { row in
            let (id, hash, expires, attempts, maxAttempts, resends, userID) = try row.decode((UUID, String, Date, Int, Int, Int, UUID?).self)
            return Challenge(id: id, codeHash: hash, expiresAt: expires, attempts: attempts, maxAttempts: maxAttempts, resendCount: resends, userID: userID)
        }
    }

    /// A new challenge; older unconsumed ones for the same email and purpose stop working.
    public func issue(
        email: String, purpose: OTPPurpose, codeHash: String, ttl: Duration, userID: UUID?, origin: RequestOrigin,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Date {
        try await connection.query(
            """
            UPDATE auth_otp SET expires_at = least(expires_at, now())
            WHERE email = \(email) AND purpose = \(purpose.rawValue) AND consumed_at IS NULL
            """, logger: logger)
        return try await connection.query(
            """
            INSERT INTO auth_otp (email, purpose, code_hash, expires_at, user_id, ip_address, user_agent)
            VALUES (\(email), \(purpose.rawValue), \(codeHash), now() + make_interval(secs => \(ttl.inSeconds)),
                    \(userID), \(origin.ipAddress)::inet, \(origin.userAgent))
            RETURNING expires_at
            """, logger: logger
        ).collect()[0].decode(Date.self)
    }

    /// Puts a fresh code on an existing challenge (a resend): new hash, new expiry, attempts reset.
    public func reissue(_ id: UUID, codeHash: String, ttl: Duration, origin: RequestOrigin, on connection: PostgresConnection, logger: Logger) async throws -> Date {
        try await connection.query(
            """
            UPDATE auth_otp SET code_hash = \(codeHash), resend_count = resend_count + 1, attempts = 0,
                expires_at = now() + make_interval(secs => \(ttl.inSeconds)),
                ip_address = \(origin.ipAddress)::inet, user_agent = \(origin.userAgent)
            WHERE id = \(id)
            RETURNING expires_at
            """, logger: logger
        ).collect()[0].decode(Date.self)
    }

    /// Takes one attempt on a live challenge, atomically with the limit: nil when none is left
    /// (or the code expired or was used). Returns the challenge as it is after the attempt,
    /// with the hash to check the guess against.
    public func claimAttempt(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Challenge? {
        try await connection.query(
            """
            UPDATE auth_otp SET attempts = attempts + 1
            WHERE id = \(id) AND consumed_at IS NULL AND expires_at > now() AND attempts < max_attempts
            RETURNING id, code_hash, expires_at, attempts, max_attempts, resend_count, user_id
            """, logger: logger
        ).collect().first.map { row in
            let (id, hash, expires, attempts, maxAttempts, resends, userID) = try row.decode((UUID, String, Date, Int, Int, Int, UUID?).self)
            return Challenge(id: id, codeHash: hash, expiresAt: expires, attempts: attempts, maxAttempts: maxAttempts, resendCount: resends, userID: userID)
        }
    }

    /// Consumes the challenge in one statement, only if it is still the same live code; true for
    /// exactly one of any number of concurrent callers. The right guess already took its attempt
    /// (`claimAttempt`), so the last allowed attempt may still consume.
    public func consume(_ challenge: Challenge, userID: UUID?, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query(
            """
            UPDATE auth_otp SET consumed_at = now(), user_id = coalesce(\(userID), user_id)
            WHERE id = \(challenge.id) AND consumed_at IS NULL AND code_hash = \(challenge.codeHash)
              AND expires_at > now() AND attempts <= max_attempts
            RETURNING id
            """, logger: logger
        ).collect().count == 1
    }

    /// Deletes challenges that ended more than a day ago.
    public func prune(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.query(
            "WITH gone AS (DELETE FROM auth_otp WHERE expires_at < now() - interval '1 day' RETURNING 1) SELECT count(*)::int FROM gone",
            logger: logger
        ).collect()[0].decode(Int.self)
    }
}
