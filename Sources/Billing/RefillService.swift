public import Foundation
import Database
public import Logging
public import PostgresNIO

/// Periodic token refills (product spec §4.2): keep `min(balance, rollover_cap)`, add the plan's
/// tokens, advance the period. Exactly once per period and account, because the ledger
/// reference is `refill:<user_id>:<period start>`, whoever triggers it (schedule or Stripe).
public struct RefillService: Sendable {
    let ledger = TokenLedger()

    public init() {}

    /// RefillService one account for the period starting at `periodStart`, in the caller's transaction.
    /// Returns nil when that period was already refilled.
    @discardableResult
    public func refill(
        userID: UUID, periodStart: Date, reason: LedgerReason = .subscriptionRefill, on connection: PostgresConnection, logger: Logger
    ) async throws -> LedgerEntry? {
        let reference = "refill:\(userID.uuidString.lowercased()):\(Int64(periodStart.timeIntervalSince1970))"
        if try await ledger.entry(reason: reason, referenceID: reference, on: connection, logger: logger) != nil { return nil }
        let rows = try await connection.query(
            """
            SELECT a.balance, a.period::text, p.monthly_tokens, coalesce(p.rollover_cap, 0)
            FROM token_account a JOIN subscription_plan p ON p.plan_code = a.plan_code
            WHERE a.user_id = \(userID) FOR UPDATE OF a
            """, logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        let (balance, periodText, monthlyTokens, rolloverCap) = try row.decode((Int64, String, Int64, Int64).self)
        let kept = min(balance, rolloverCap)
        let entry = try await ledger.apply(
            userID: userID, delta: kept + monthlyTokens - balance, reason: reason, referenceID: reference, on: connection, logger: logger)
        let period = RefillPeriod(rawValue: periodText) ?? .month
        try await connection.query(
            """
            UPDATE token_account SET last_refill_at = \(periodStart), next_refill_at = \(period.advance(periodStart))
            WHERE user_id = \(userID)
            """, logger: logger)
        return entry
    }

    /// Refills every due account, a batch at a time, each in its own transaction, so a crash
    /// half-way loses nothing: refilled accounts are no longer due, the rest still are.
    /// Returns how many refills were made.
    public func refillDueAccounts(client: PostgresClient, batchSize: Int = 100, logger: Logger) async throws -> Int {
        var refilled = 0
        while true {
            let batch = try await client.transaction(logger: logger) { connection -> Int in
                let due = try await connection.query(
                    """
                    SELECT user_id, next_refill_at, period::text FROM token_account
                    WHERE next_refill_at <= now() ORDER BY next_refill_at LIMIT \(batchSize) FOR UPDATE SKIP LOCKED
                    """, logger: logger
                ).collect()
                for row in due {
                    let (userID, periodStart, periodText) = try row.decode((UUID, Date, String).self)
                    if try await refill(userID: userID, periodStart: periodStart, on: connection, logger: logger) == nil {
                        // Already refilled for this period (e.g. by Stripe): only move the dates on.
                        let next = (RefillPeriod(rawValue: periodText) ?? .month).advance(periodStart)
                        try await connection.query(
                            """
                            UPDATE token_account SET last_refill_at = \(periodStart), next_refill_at = \(next)
                            WHERE user_id = \(userID) AND next_refill_at = \(periodStart)
                            """, logger: logger)
                    }
                }
                return due.count
            }
            refilled += batch
            if batch < batchSize { return refilled }
        }
    }
}
