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
        // The one gate for every caller: `-delta` below and `balance + delta` in SQL stay in range.
        guard delta.magnitude <= UInt64(Bounds.maxLedgerDelta) else {
            throw AppError.validation(["delta": "must be within ±\(Bounds.maxLedgerDelta) tokens"])
        }
        // One statement does the common case: lock the account, insert the row with the new
        // balance unless it would go negative or the operation already happened, update the
        // balance. It returns nothing in the two uncommon cases, told apart below.
        let applied = try await connection.query(
            """
            WITH account AS (
                SELECT balance FROM token_account WHERE user_id = \(userID) FOR UPDATE
            ), entry AS (
                INSERT INTO token_ledger (user_id, delta, reason, reference_id, balance_after)
                SELECT \(userID), \(delta), \(reason.rawValue), \(referenceID), balance + \(delta) FROM account
                WHERE balance + \(delta) >= 0
                ON CONFLICT (reason, reference_id) WHERE reference_id IS NOT NULL DO NOTHING
                RETURNING id, user_id, occurred_at, delta, reason, reference_id, balance_after
            ), moved AS (
                UPDATE token_account SET balance = entry.balance_after FROM entry WHERE token_account.user_id = entry.user_id
            )
            SELECT id, user_id, occurred_at, delta, reason, reference_id, balance_after FROM entry
            """, logger: logger
        ).collect()
        if let row = applied.first { return try Self.decode(row) }
        // Already applied (a retry): the original entry, nothing changed.
        if let existing = try await entry(reason: reason, referenceID: referenceID, on: connection, logger: logger) {
            return existing
        }
        guard let balance = try await connection.query(
            "SELECT balance FROM token_account WHERE user_id = \(userID)", logger: logger
        ).collect().first?.decode(Int64.self) else { throw AppError.notFound("Token account") }
        throw AppError.insufficientTokens(price: -delta, balance: balance)
    }

    public func entry(reason: LedgerReason, referenceID: String, on connection: PostgresConnection, logger: Logger) async throws -> LedgerEntry? {
        try await connection.query(
            """
            SELECT id, user_id, occurred_at, delta, reason, reference_id, balance_after FROM token_ledger
            WHERE reason = \(reason.rawValue) AND reference_id = \(referenceID)
            """, logger: logger
        ).collect().first.map(Self.decode)
    }

    /// A user's ledger, newest first, with keyset pagination on `id`.
    public func page(for userID: UUID, beforeID: Int64?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [LedgerEntry] {
        try await connection.query(
            """
            SELECT id, user_id, occurred_at, delta, reason, reference_id, balance_after FROM token_ledger
            WHERE user_id = \(userID) AND id < \(beforeID ?? Int64.max)
            ORDER BY id DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map(Self.decode)
    }

    static func decode(_ row: PostgresRow) throws -> LedgerEntry {
        let (id, userID, occurredAt, delta, reason, referenceID, balanceAfter) = try row.decode(
            (Int64, UUID, Date, Int64, String, String?, Int64).self)
        return LedgerEntry(
            id: id, userID: userID, occurredAt: occurredAt, delta: delta, reason: reason, referenceID: referenceID,
            balanceAfter: balanceAfter)
    }
}
