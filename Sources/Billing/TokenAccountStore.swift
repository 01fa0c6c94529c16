public import Foundation
public import Logging
public import PostgresNIO

/// Token accounts: opening one for a new user, and the summary shown to its owner.
public struct TokenAccountStore: Sendable {
    let ledger = TokenLedger()

    public init() {}

    /// Opens the account on the default plan and credits the plan's tokens as the sign-up grant,
    /// in the caller's transaction. Safe to call twice.
    public func open(for userID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        let plan = try await connection.query(
            "SELECT plan_code, monthly_tokens FROM subscription_plan WHERE is_default", logger: logger
        ).collect().first?.decode((String, Int64).self) ?? ("FREE", Int64(0))
        try await connection.query(
            "INSERT INTO token_account (user_id, plan_code) VALUES (\(userID), \(plan.0)) ON CONFLICT (user_id) DO NOTHING",
            logger: logger)
        if plan.1 > 0 {
            _ = try await ledger.apply(
                userID: userID, delta: plan.1, reason: .signupGrant, referenceID: "signup:\(userID)", on: connection, logger: logger)
        }
    }

    /// How many live brands the user's plan allows: `.some(nil)` is unlimited; a user without a
    /// token account gets the default plan's limit.
    public func brandLimit(for userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Int? {
        let rows = try await connection.query(
            """
            SELECT p.brand_limit FROM subscription_plan p
            WHERE p.plan_code = coalesce((SELECT plan_code FROM token_account WHERE user_id = \(userID)),
                                         (SELECT plan_code FROM subscription_plan WHERE is_default LIMIT 1))
            """, logger: logger
        ).collect()
        guard let row = rows.first else { return 1 }
        return try row.decode(Int?.self)
    }

    public func summary(for userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> TokenSummary? {
        try await connection.query(
            """
            SELECT balance, plan_code, period::text, last_refill_at, next_refill_at, subscription_status
            FROM token_account WHERE user_id = \(userID)
            """, logger: logger
        ).collect().first.map { row in
            let (balance, plan, period, lastRefill, nextRefill, status) = try row.decode((Int64, String, String, Date?, Date?, String?).self)
            return TokenSummary(
                balance: balance, planCode: plan, period: period, lastRefillAt: lastRefill, nextRefillAt: nextRefill, subscriptionStatus: status)
        }
    }
}

/// A user's token position.
public struct TokenSummary: Sendable, Codable, Equatable {
    public let balance: Int64
    public let planCode: String
    public let period: String
    public let lastRefillAt: Date?
    public let nextRefillAt: Date?
    public let subscriptionStatus: String?

    enum CodingKeys: String, CodingKey {
        case balance, period
        case planCode = "plan_code"
        case lastRefillAt = "last_refill_at"
        case nextRefillAt = "next_refill_at"
        case subscriptionStatus = "subscription_status"
    }
}
