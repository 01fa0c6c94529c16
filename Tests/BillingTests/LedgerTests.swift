import Billing
import Core
import Database
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

extension TestDatabase {
    /// A user with a token account holding `balance` (credited as an admin adjustment).
    func makeAccount(balance: Int64, plan: String = "FREE") async throws -> UUID {
        let id = try await one(#"INSERT INTO "user" (email) VALUES (\#("u\(UUID().uuidString.prefix(8).lowercased())@example.com")) RETURNING id"#, as: UUID.self)
        try await execute("INSERT INTO token_account (user_id, plan_code) VALUES (\(id), \(plan))")
        if balance > 0 {
            try await client.transaction(logger: logger) { connection in
                _ = try await TokenLedger().apply(
                    userID: id, delta: balance, reason: .adminAdjust, referenceID: "seed:\(id)", on: connection, logger: logger)
            }
        }
        return id
    }

    func balance(_ userID: UUID) async throws -> Int64 {
        try await one("SELECT balance FROM token_account WHERE user_id = \(userID)", as: Int64.self)
    }
}

@Suite struct LedgerTests {
    @Test func fiftyConcurrentDebitsAgainstABalanceForTenLetExactlyTenThrough() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let user = try await db.makeAccount(balance: 500)
            let client = db.client
            let logger = db.logger
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        do {
                            try await client.transaction(logger: logger) { connection in
                                _ = try await TokenLedger().apply(
                                    userID: user, delta: -50, reason: .jobReserve, referenceID: "job:\(user):\(index)", on: connection, logger: logger)
                            }
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 10)
            #expect(try await db.balance(user) == 0)
            let mismatches = try await db.client.withConnection { connection in
                try await Reconciliation().mismatches(on: connection, logger: logger)
            }
            #expect(mismatches.isEmpty)
        }
    }

    @Test func aRetriedOperationReturnsTheOriginalEntryAndChangesNothing() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let user = try await db.makeAccount(balance: 100)
            let apply = {
                try await db.client.transaction(logger: db.logger) { connection in
                    try await TokenLedger().apply(userID: user, delta: -30, reason: .jobReserve, referenceID: "job:abc", on: connection, logger: db.logger)
                }
            }
            let first = try await apply()
            let second = try await apply()
            #expect(first == second)
            #expect(first.balanceAfter == 70)
            #expect(try await db.balance(user) == 70)
        }
    }

    @Test func aDebitBelowZeroIsRefusedWithPriceAndBalance() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let user = try await db.makeAccount(balance: 40)
            await #expect(throws: AppError.insufficientTokens(price: 80, balance: 40)) {
                try await db.client.transaction(logger: db.logger) { connection in
                    _ = try await TokenLedger().apply(userID: user, delta: -80, reason: .jobReserve, referenceID: "job:x", on: connection, logger: db.logger)
                }
            }
            #expect(try await db.one("SELECT count(*)::int FROM token_ledger WHERE reason = 'JOB_RESERVE'", as: Int.self) == 0)
        }
    }

    /// Random reserves, refunds, top-ups, refills and adjustments from 16 clients, with
    /// duplicates and retries mixed in: never below zero, no duplicate effect, balance = Σ delta.
    @Test func randomConcurrentOperationsKeepEveryInvariant() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            var users: [UUID] = []
            for _ in 0..<4 { users.append(try await db.makeAccount(balance: 200, plan: "STARTER")) }
            let accounts = users
            let client = db.client
            let logger = db.logger
            // Operations are drawn from a small space of references so that duplicates happen often.
            let applied = await withTaskGroup(of: [String: Int64].self) { group in
                for clientIndex in 0..<16 {
                    group.addTask {
                        var generator = SeededGenerator(seed: UInt64(clientIndex + 1))
                        var effects: [String: Int64] = [:]
                        for _ in 0..<150 {
                            let user = accounts[Int.random(in: 0..<accounts.count, using: &generator)]
                            let operation = Int.random(in: 0..<5, using: &generator)
                            let number = Int.random(in: 0..<60, using: &generator)
                            let (reason, delta): (LedgerReason, Int64) =
                                switch operation {
                                case 0: (.jobReserve, -50)
                                case 1: (.jobRefund, 20)
                                case 2: (.topupPurchase, 100)
                                case 3: (.adminAdjust, -30)
                                default: (.subscriptionRefill, 0)
                                }
                            do {
                                if reason == .subscriptionRefill {
                                    let start = Date(timeIntervalSince1970: Double(number) * 86400)
                                    try await client.transaction(logger: logger) { connection in
                                        _ = try await RefillService().refill(userID: user, periodStart: start, on: connection, logger: logger)
                                    }
                                } else {
                                    let reference = "\(reason.rawValue.lowercased()):\(user):\(number)"
                                    let entry = try await client.transaction(logger: logger) { connection in
                                        try await TokenLedger().apply(userID: user, delta: delta, reason: reason, referenceID: reference, on: connection, logger: logger)
                                    }
                                    effects[reason.rawValue + "|" + reference] = entry.delta
                                }
                            } catch let error as AppError where error.code == "INSUFFICIENT_TOKENS" {
                                continue
                            } catch {
                                Issue.record("unexpected \(error)")
                            }
                        }
                        return effects
                    }
                }
                return await group.reduce(into: [String: Int64]()) { $0.merge($1) { first, _ in first } }
            }
            #expect(!applied.isEmpty)
            let (negative, duplicates) = try await db.one(
                """
                SELECT (SELECT count(*) FROM token_account WHERE balance < 0)::int,
                       (SELECT count(*) FROM (SELECT reason, reference_id FROM token_ledger GROUP BY 1, 2 HAVING count(*) > 1) d)::int
                """, as: (Int, Int).self)
            #expect(negative == 0 && duplicates == 0)
            let afterNegative = try await db.one("SELECT count(*)::int FROM token_ledger WHERE balance_after < 0", as: Int.self)
            #expect(afterNegative == 0)
            let mismatches = try await db.client.withConnection { connection in
                try await Reconciliation().mismatches(on: connection, logger: logger)
            }
            #expect(mismatches.isEmpty)
        }
    }
}

/// A deterministic generator so a failing run can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
