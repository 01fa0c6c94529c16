public import Foundation
public import Logging
public import PostgresNIO

/// A user's ledger, newest first, with keyset pagination on `id`.
public struct LedgerHistory: Sendable {
    public init() {}

    public func page(for userID: UUID, beforeID: Int64?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [LedgerEntry] {
        try await connection.query(
            """
            SELECT id, user_id, occurred_at, delta, reason, reference_id, balance_after FROM token_ledger
            WHERE user_id = \(userID) AND id < \(beforeID ?? Int64.max)
            ORDER BY id DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map(TokenLedger.decode)
    }
}
