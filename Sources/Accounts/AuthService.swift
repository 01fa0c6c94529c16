import Core
public import Foundation
import Database
public import Logging
public import PostgresNIO
import TaskQueue

/// Sign-in with emailed codes, sessions, bans: the rules of product spec §4.1.
public struct AuthService: Sendable {
    let client: PostgresClient
    let settings: AuthSettings
    let newUserHook: any NewUserHook
    let users = UserStore()
    let codes = OTPStore()
    let sessions = SessionStore()
    let limiter = RateLimiter()
    let hasher: CodeHasher
    let tasks = TaskStore()

    public init(client: PostgresClient, settings: AuthSettings, newUserHook: any NewUserHook) {
        self.client = client
        self.settings = settings
        self.newUserHook = newUserHook
        self.hasher = CodeHasher(logRounds: settings.scryptLogRounds)
    }

    /// When a requested code expires and when another may be asked for.
    public struct CodeIssued: Sendable, Codable {
        public let expiresAt: Date
        public let resendAvailableAt: Date
        enum CodingKeys: String, CodingKey {
            case expiresAt = "expires_at"
            case resendAvailableAt = "resend_available_at"
        }
    }

    /// Emails a code. Answers the same whether or not the email has an account.
    /// `userID` is the signed-in user asking to move to `email` (CHANGE_EMAIL).
    public func requestCode(
        email rawEmail: String, purpose: OTPPurpose, userID: UUID? = nil, origin: RequestOrigin, logger: Logger
    ) async throws -> CodeIssued {
        guard let email = EmailAddress(rawEmail)?.value else { throw AppError.validation(["email": "is not an email address"]) }
        if let ip = origin.ipAddress {
            try await client.withConnection { connection in
                try await limiter.hit("otp:ip:\(ip)", limit: settings.codeRequestsPerIPPerHour, window: .seconds(3600), on: connection, logger: logger)
            }
        }
        let code = Self.randomCode()
        let codeHash = try await hasher.hash(code)
        let expiresAt: Date = try await client.transaction(logger: logger) { connection in
            let expiresAt: Date
            if let live = try await codes.newest(email: email, purpose: purpose, lock: true, on: connection, logger: logger),
                live.expiresAt > Date(), live.attempts < live.maxAttempts, live.userID == userID
            {
                let issuedAt = live.expiresAt.addingTimeInterval(-settings.codeLifetime.inSeconds)
                let wait = issuedAt.addingTimeInterval(settings.resendCooldown.inSeconds).timeIntervalSinceNow
                if wait > 0 { throw AppError.rateLimited(retryAfterSeconds: Int(wait.rounded(.up))) }
                guard live.resendCount < settings.maxResends else {
                    throw AppError.rateLimited(retryAfterSeconds: Int(live.expiresAt.timeIntervalSinceNow.rounded(.up)))
                }
                try await countCodeRequest(email, on: connection, logger: logger)
                expiresAt = try await codes.reissue(live.id, codeHash: codeHash, ttl: settings.codeLifetime, origin: origin, on: connection, logger: logger)
            } else {
                try await countCodeRequest(email, on: connection, logger: logger)
                expiresAt = try await codes.issue(
                    email: email, purpose: purpose, codeHash: codeHash, ttl: settings.codeLifetime, userID: userID, origin: origin,
                    on: connection, logger: logger)
            }
            let message = EmailMessage.code(code, to: email, purpose: purpose, validMinutes: Int(settings.codeLifetime.inSeconds / 60))
            try await tasks.enqueue([try NewTask(kind: SendEmail.kind, payload: message, priority: 10)], on: connection, logger: logger)
            return expiresAt
        }
        let issuedAt = expiresAt.addingTimeInterval(-settings.codeLifetime.inSeconds)
        return CodeIssued(expiresAt: expiresAt, resendAvailableAt: issuedAt.addingTimeInterval(settings.resendCooldown.inSeconds))
    }

    /// Counts a request against the email's hourly limit only when it produces or resends a code,
    /// in the same transaction: a refusal (cooldown, limit) rolls the count back, so someone
    /// hammering a victim's address inside the cooldown does not use up the victim's hour.
    private func countCodeRequest(_ email: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await limiter.hit("otp:email:\(email)", limit: settings.codeRequestsPerEmailPerHour, window: .seconds(3600), on: connection, logger: logger)
    }

    /// A verified sign-in: the user and a new session token.
    public struct SignedIn: Sendable {
        public let user: User
        public let token: String
        public let expiresAt: Date
    }

    /// Checks a code and, when right, signs in (creating the user on first login).
    public func verify(email rawEmail: String, code: String, purpose: OTPPurpose, origin: RequestOrigin, logger: Logger) async throws -> SignedIn {
        guard let email = EmailAddress(rawEmail)?.value else { throw AppError.validation(["email": "is not an email address"]) }
        let trimmedCode = code.trimmingWhitespace()
        guard trimmedCode.count == 6, trimmedCode.allSatisfy(\.isASCIIDigit) else {
            throw AppError.validation(["code": "must be 6 digits"])
        }
        // Per email and client: guesses at one address are bounded, and a stranger's wrong codes
        // cannot lock its owner out (the per-email request limit bounds guesses across clients).
        let failuresKey = "otp-wrong:email:\(email):\(origin.ipAddress ?? "-")"
        let found = try await client.withConnection { connection -> OTPStore.Challenge? in
            if let ip = origin.ipAddress {
                try await limiter.hit("verify:ip:\(ip)", limit: settings.verifyAttemptsPerIPPerHour, window: .seconds(3600), on: connection, logger: logger)
            }
            // Wrong guesses spread over many fresh codes still run out, per email.
            try await limiter.check(failuresKey, limit: settings.wrongCodesPerEmailPerHour, window: .seconds(3600), on: connection, logger: logger)
            return try await codes.newest(email: email, purpose: purpose, on: connection, logger: logger)
        }
        guard let found else { throw Self.invalid(attemptsLeft: 0) }
        guard found.attempts < found.maxAttempts else { throw Self.locked }
        guard found.expiresAt > Date() else { throw AppError.badRequest(code: "OTP_EXPIRED", detail: "This code has expired; ask for a new one.") }
        // The attempt is taken before the (slow) hash check, in one statement with the limit
        // check, so parallel guesses cannot get more than `max_attempts` tries between them.
        guard let challenge = try await client.withConnection({ try await codes.claimAttempt(found.id, on: $0, logger: logger) }) else {
            throw Self.locked
        }
        guard try await hasher.verify(trimmedCode, against: challenge.codeHash) else {
            try await client.withConnection { connection in
                do {
                    try await limiter.hit(failuresKey, limit: settings.wrongCodesPerEmailPerHour, window: .seconds(3600), on: connection, logger: logger)
                } catch AppError.rateLimited {
                    // Counted; the next verify is refused by the check above.
                }
            }
            throw Self.invalid(attemptsLeft: max(0, challenge.maxAttempts - challenge.attempts))
        }
        return try await client.transaction(logger: logger) { connection in
            let user = try await signedInUser(email: email, purpose: purpose, challenge: challenge, on: connection, logger: logger)
            guard try await codes.consume(challenge, userID: user.id, on: connection, logger: logger) else {
                throw Self.invalid(attemptsLeft: 0)
            }
            try await users.recordLogin(user.id, on: connection, logger: logger)
            let session = try await sessions.create(userID: user.id, ttl: settings.sessionLifetime, origin: origin, on: connection, logger: logger)
            var signedIn = user
            signedIn.lastLoginAt = Date()
            return SignedIn(user: signedIn, token: session.token, expiresAt: session.expiresAt)
        }
    }

    /// The user a verified code signs in, per purpose; banned users are refused here too.
    private func signedInUser(
        email: String, purpose: OTPPurpose, challenge: OTPStore.Challenge, on connection: PostgresConnection, logger: Logger
    ) async throws -> User {
        let user: User
        switch purpose {
        case .login:
            let (found, created) = try await users.findOrCreate(email: email, on: connection, logger: logger)
            if created { try await newUserHook.userCreated(found, on: connection, logger: logger) }
            user = found
        case .verifyEmail:
            guard let found = try await users.find(email: email, on: connection, logger: logger) else { throw Self.invalid(attemptsLeft: 0) }
            user = found
        case .changeEmail:
            guard let userID = challenge.userID, let found = try await users.find(id: userID, on: connection, logger: logger) else {
                throw Self.invalid(attemptsLeft: 0)
            }
            if try await users.find(email: email, on: connection, logger: logger) != nil {
                throw AppError.conflict(code: "EMAIL_TAKEN", detail: "Another account uses this email address.")
            }
            try await users.changeEmail(found.id, to: email, on: connection, logger: logger)
            user = User(
                id: found.id, email: email, displayName: found.displayName, photoURL: found.photoURL, phoneNumber: found.phoneNumber,
                createdAt: found.createdAt, lastLoginAt: found.lastLoginAt, banFlag: found.banFlag, isAdmin: found.isAdmin)
        }
        if user.banFlag { throw Self.suspended }
        return user
    }

    /// The user behind a session token; nil for a missing, expired or revoked session.
    public func authenticate(token: String, logger: Logger) async throws -> User? {
        guard !token.isEmpty, token.count < 200 else { return nil }
        let user = try await client.withConnection { try await sessions.user(forToken: token, ttl: settings.sessionLifetime, on: $0, logger: logger) }
        if user?.banFlag == true { throw Self.suspended }
        return user
    }

    public func logout(token: String, logger: Logger) async throws {
        try await client.withConnection { try await sessions.revoke(token: token, on: $0, logger: logger) }
    }

    public func logoutEverywhere(userID: UUID, logger: Logger) async throws {
        try await client.withConnection { try await sessions.revokeAll(userID: userID, on: $0, logger: logger) }
    }

    /// Applies a profile edit after checking every field.
    public func updateProfile(_ userID: UUID, _ patch: ProfilePatch, logger: Logger) async throws -> User {
        let problems = patch.problems()
        guard problems.isEmpty else { throw AppError.validation(problems) }
        guard let user = try await client.withConnection({ connection in
            try await users.updateProfile(
                userID, displayName: patch.displayName, photoURL: patch.photoURL, phoneNumber: patch.phoneNumber, on: connection, logger: logger)
        }) else { throw AppError.notFound("User") }
        return user
    }

    static let locked = AppError.forbidden(code: "OTP_LOCKED", detail: "Too many wrong codes; ask for a new one.")

    static let suspended = AppError.forbidden(code: "ACCOUNT_SUSPENDED", detail: "This account is suspended.")

    static func invalid(attemptsLeft: Int) -> AppError {
        .unauthorized(code: "OTP_INVALID", detail: "The code is not valid (\(attemptsLeft) attempt\(attemptsLeft == 1 ? "" : "s") left).")
    }

    /// Six digits from the system's CSPRNG, uniformly.
    static func randomCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
