/// The numbers of sign-in: code lifetime, resend rules, limits, session length.
public struct AuthSettings: Sendable {
    public var codeLifetime: Duration = .seconds(600)
    public var resendCooldown: Duration = .seconds(60)
    public var maxResends = 5
    public var sessionLifetime: Duration = .seconds(30 * 86400)
    /// Code requests per email per hour.
    public var codeRequestsPerEmailPerHour = 10
    /// Code requests per client IP per hour.
    public var codeRequestsPerIPPerHour = 30
    /// Wrong codes per email and client per hour, across all of its codes (each code also allows only 5).
    public var wrongCodesPerEmailPerHour = 10
    /// Verify attempts per client IP per hour.
    public var verifyAttemptsPerIPPerHour = 60
    /// scrypt cost (log2 N); tests lower it.
    public var scryptLogRounds = 14

    public init() {}
}

/// Told, inside the sign-up transaction, that a user was just created (Billing opens the token
/// account and credits the sign-up grant).
public protocol NewUserHook: Sendable {
    func userCreated(_ user: User, on connection: PostgresConnection, logger: Logger) async throws
}

public import Logging
public import PostgresNIO
