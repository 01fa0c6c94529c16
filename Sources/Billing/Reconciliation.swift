public import Foundation
public import Logging
public import PostgresNIO

/// Proves `balance = Σ delta` and `balance_after` of the newest row = balance, for every account.
public struct Reconciliation: Sendable {
    public init() {}

    /// An account whose balance disagrees with its ledger.
    public struct Mismatch: Sendable, Equatable {
        public let userID: UUID
        public let balance: Int64
        public let ledgerSum: Int64
        public let lastBalanceAfter: Int64?
    }

    public func mismatches(on connection: PostgresConnection, logger: Logger) async throws -> [Mismatch] {
        try await connection.query(
            """
            SELECT a.user_id, a.balance, coalesce(l.total, 0)::bigint, last.balance_after
            FROM token_account a
            LEFT JOIN (SELECT user_id, sum(delta) AS total FROM token_ledger GROUP BY user_id) l ON l.user_id = a.user_id
            LEFT JOIN LATERAL (
                SELECT balance_after FROM token_ledger t WHERE t.user_id = a.user_id ORDER BY t.id DESC LIMIT 1
            ) last ON true
            WHERE a.balance <> coalesce(l.total, 0) OR a.balance <> coalesce(last.balance_after, 0)
            """, logger: logger
        ).collect().map { row in
            let (userID, balance, sum, after) = try row.decode((UUID, Int64, Int64, Int64?).self)
            return Mismatch(userID: userID, balance: balance, ledgerSum: sum, lastBalanceAfter: after)
        }
    }
}
