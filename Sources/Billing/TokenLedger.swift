import Core
public import Foundation
public import Logging
public import PostgresNIO

/// The one place balances change. Every change is a ledger row with the balance after it, made
/// under a lock on the account row, and idempotent by `(reason, reference_id)`.
public struct TokenLedger: Sendable {
    public init() {}

    /// Applies `delta` to the user's balance inside the caller's transaction. A retry with the same
    /// reason and reference returns the original entry and changes nothing. A debit below zero
    /// throws `AppError.insufficientTokens`.
    public func apply(
        userID: UUID, delta: Int64, reason: LedgerReason, referenceID: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> LedgerEntry {
        if let existing = try await entry(reason: reason, referenceID: referenceID, on: connection, logger: logger) {
            return existing
        }
        let balanceRows = try await connection.query(
            "SELECT balance FROM token_account WHERE user_id = \(userID) FOR UPDATE", logger: logger
        ).collect()
        guard let balance = try balanceRows.first?.decode(Int64.self) else { throw AppError.notFound("Token account") }
        // Someone may have applied the same operation while we waited for the lock.
        if let existing = try await entry(reason: reason, referenceID: referenceID, on: connection, logger: logger) {
            return existing
        }
        let newBalance = balance + delta
        guard newBalance >= 0 else { throw AppError.insufficientTokens(price: -delta, balance: balance) }
        let inserted = try await connection.query(
            """
            INSERT INTO token_ledger (user_id, delta, reason, reference_id, balance_after)
            VALUES (\(userID), \(delta), \(reason.rawValue), \(referenceID), \(newBalance))
            RETURNING id, user_id, occurred_at, delta, reason, reference_id, balance_after
            """, logger: logger
        ).collect()
        try await connection.query("UPDATE token_account SET balance = \(newBalance) WHERE user_id = \(userID)", logger: logger)
        return try Self.decode(inserted[0])
    }

    public func entry(reason: LedgerReason, referenceID: String, on connection: PostgresConnection, logger: Logger) async throws -> LedgerEntry? {
        try await connection.query(
            """
            SELECT id, user_id, occurred_at, delta, reason, reference_id, balance_after FROM token_ledger
            WHERE reason = \(reason.rawValue) AND reference_id = \(referenceID)
            """, logger: logger
        ).collect().first.map(Self.decode)
    }

    static func decode(_ row: PostgresRow) throws -> LedgerEntry {
        let (id, userID, occurredAt, delta, reason, referenceID, balanceAfter) = try row.decode(
            (Int64, UUID, Date, Int64, String, String?, Int64).self)
        return LedgerEntry(
            id: id, userID: userID, occurredAt: occurredAt, delta: delta, reason: reason, referenceID: referenceID,
            balanceAfter: balanceAfter)
    }
}
