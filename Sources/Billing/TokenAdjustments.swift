public import Audit
import Core
import Database
public import Foundation
public import Logging
public import PostgresNIO

/// An admin's token grant or deduction: one `ADMIN_ADJUST` ledger row and its audit row, in
/// one transaction.
public struct TokenAdjustments: Sendable {
    let client: PostgresClient
    let ledger = TokenLedger()
    let accounts = TokenAccountStore()

    public init(client: PostgresClient) {
        self.client = client
    }

    /// What the audit log keeps of an adjustment: the balance around it, the amount and the note.
    struct Snapshot: Encodable, Sendable {
        let balance: Int64?
        let delta: Int64?
        let note: String?
        let ledgerID: Int64?
        enum CodingKeys: String, CodingKey { case balance, delta, note, ledgerID = "ledger_id" }
    }

    /// `key` names one adjustment: a client retry with the same key applies once, and the same
    /// key with another amount is a mistake (422 `IDEMPOTENCY_KEY_REUSED`), not a retry.
    public func adjust(userID: UUID, delta: Int64, note: String?, key: String, actor: AuditActor, logger: Logger) async throws -> LedgerEntry {
        guard delta != 0, Bounds.tokens(delta) != nil else {
            throw AppError.validation(["delta": "must be a non-zero whole number from -\(Bounds.maxTokens) to \(Bounds.maxTokens)"])
        }
        if let note, note.count > 500 { throw AppError.validation(["note": "must be at most 500 characters"]) }
        guard (1...200).contains(key.count) else { throw AppError.validation(["Idempotency-Key": "must be 1 to 200 characters"]) }
        let reference = "admin:\(userID.uuidString.lowercased()):\(key)"
        let entry = try await client.transaction(logger: logger) { connection -> LedgerEntry in
            // A replay returns the first entry and is not audited twice.
            if let existing = try await ledger.entry(reason: .adminAdjust, referenceID: reference, on: connection, logger: logger) { return existing }
            let before = try await accounts.summary(for: userID, on: connection, logger: logger)
            let entry = try await ledger.apply(userID: userID, delta: delta, reason: .adminAdjust, referenceID: reference, on: connection, logger: logger)
            try await AuditLog().record(
                actor, action: "tokens.adjust", target: AuditTarget("user", userID),
                before: Snapshot(balance: before?.balance, delta: nil, note: nil, ledgerID: nil),
                after: Snapshot(balance: entry.balanceAfter, delta: delta, note: note, ledgerID: entry.id), on: connection, logger: logger)
            return entry
        }
        guard entry.delta == delta else { throw AppError.idempotencyKeyReused }
        return entry
    }
}
