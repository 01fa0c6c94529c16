public import Foundation

/// Why tokens moved; stored verbatim in `token_ledger.reason`.
public enum LedgerReason: String, Sendable, CaseIterable {
    case signupGrant = "SIGNUP_GRANT"
    case jobReserve = "JOB_RESERVE"
    case jobRefund = "JOB_REFUND"
    case subscriptionRefill = "SUBS_REFILL"
    case subscriptionActivation = "SUBS_ACTIVATION"
    case topupPurchase = "TOPUP_PURCHASE"
    case adminAdjust = "ADMIN_ADJUST"
}

/// One immutable row of the token ledger.
public struct LedgerEntry: Sendable, Equatable, Codable {
    public let id: Int64
    public let userID: UUID
    public let occurredAt: Date
    public let delta: Int64
    public let reason: String
    public let referenceID: String?
    public let balanceAfter: Int64

    enum CodingKeys: String, CodingKey {
        case id, delta, reason
        case userID = "user_id"
        case occurredAt = "occurred_at"
        case referenceID = "reference_id"
        case balanceAfter = "balance_after"
    }
}
