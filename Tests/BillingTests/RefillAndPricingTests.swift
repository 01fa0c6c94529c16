import Audit
import Billing
import Core
import Database
import Foundation
import PostgresNIO
import TestSupport
import Testing

@Suite struct RefillPeriodTests {
    private func date(_ text: String) throws -> Date { try #require(ISO8601DateFormatter().date(from: text)) }

    @Test func monthsClampToTheLastDay() throws {
        #expect(RefillPeriod.month.advance(try date("2026-01-31T00:00:00Z")) == (try date("2026-02-28T00:00:00Z")))
        #expect(RefillPeriod.month.advance(try date("2028-01-31T00:00:00Z")) == (try date("2028-02-29T00:00:00Z")))
        #expect(RefillPeriod.month.advance(try date("2026-12-15T10:00:00Z")) == (try date("2027-01-15T10:00:00Z")))
    }

    @Test func weeksAndDaysAreExact() throws {
        #expect(RefillPeriod.week.advance(try date("2026-12-29T00:00:00Z")) == (try date("2027-01-05T00:00:00Z")))
        #expect(RefillPeriod.day.advance(try date("2028-02-28T12:00:00Z")) == (try date("2028-02-29T12:00:00Z")))
    }
}

@Suite struct RefillTests {
    @Test func aRefillKeepsUpToTheRolloverCapAndAddsThePlanTokens() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let rich = try await db.makeAccount(balance: 900, plan: "STARTER")  // cap 500, monthly 1000
            let poor = try await db.makeAccount(balance: 120, plan: "STARTER")
            try await db.execute("UPDATE token_account SET next_refill_at = now() - interval '1 hour'")
            let refilled = try await RefillService().refillDueAccounts(client: db.client, batchSize: 1, logger: db.logger)
            #expect(refilled == 2)
            #expect(try await db.balance(rich) == 1500)
            #expect(try await db.balance(poor) == 1120)
            #expect(try await RefillService().refillDueAccounts(client: db.client, logger: db.logger) == 0)
            let next = try await db.one("SELECT bool_and(next_refill_at > now()) FROM token_account", as: Bool.self)
            #expect(next)
        }
    }

    @Test func aPeriodIsRefilledOnceWhoeverTriggersIt() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let user = try await db.makeAccount(balance: 0, plan: "GROWTH")
            let start = Date(timeIntervalSince1970: 1_790_000_000)
            for _ in 0..<3 {
                try await db.client.transaction(logger: db.logger) { connection in
                    _ = try await RefillService().refill(userID: user, periodStart: start, on: connection, logger: db.logger)
                }
            }
            #expect(try await db.balance(user) == 3000)
            #expect(try await db.one("SELECT count(*)::int FROM token_ledger WHERE reason = 'SUBS_REFILL'", as: Int.self) == 1)
        }
    }
}

@Suite struct PricingTests {
    private func rule(_ strategy: PricingRule.Strategy, discount: Int = 0, overrides: [String: Int64] = [:]) -> PricingRule {
        PricingRule(id: 1, name: "t", strategy: strategy, baseCostTokens: 50, version: 1, multiFormatDiscountPercent: discount, archetypeBaseCosts: overrides)
    }

    @Test func theSeededRuleCharges50ForOneFormatAnd80ForTwo() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let rule = try await db.client.withConnection { try await PricingStore().activeRule(on: $0, logger: db.logger) }
            #expect(rule.strategy == .perFormat)
            #expect(try rule.price(formats: 1, expectedAds: 1, archetype: nil) == 50)
            #expect(try rule.price(formats: 2, expectedAds: 2, archetype: nil) == 80)
            #expect(try rule.price(formats: 3, expectedAds: 3, archetype: nil) == 120)
        }
    }

    @Test func strategiesAndOverrides() throws {
        #expect(try rule(.staticPrice).price(formats: 4, expectedAds: 9, archetype: nil) == 50)
        #expect(try rule(.perAd).price(formats: 1, expectedAds: 6, archetype: nil) == 300)
        #expect(try rule(.perFormat, overrides: ["meme": 30]).price(formats: 2, expectedAds: 2, archetype: "meme") == 60)
        #expect(try rule(.perFormat, discount: 33).price(formats: 2, expectedAds: 2, archetype: nil) == 67)
    }

    @Test func aPriceThatWouldOverflowIsRefusedNamingTheFieldInsteadOfTrapping() {
        let huge = PricingRule(
            id: 1, name: "t", strategy: .perAd, baseCostTokens: Bounds.maxTokens, version: 1, multiFormatDiscountPercent: 0, archetypeBaseCosts: [:])
        #expect(throws: AppError.validation(["expected_ads": "makes a price above \(Bounds.maxTokens) tokens"])) {
            try huge.price(formats: 1, expectedAds: Int.max, archetype: nil)
        }
        // Two ads at the largest base cost: no overflow, but above the bound.
        #expect(throws: AppError.self) { try huge.price(formats: 1, expectedAds: 2, archetype: nil) }
    }

    @Test func negativeOrHugeArchetypeCostsAreRefusedWhenARuleIsActivated() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            for costs in [["meme": Int64(-50)], ["meme": Bounds.maxTokens + 1], ["meme": Int64.min]] {
                let input = try JSONDecoder().decode(
                    PricingRuleEdit.self,
                    from: Data(#"{"name":"x","strategy":"PER_AD","base_cost_tokens":10,"archetype_base_costs":{"meme":\#(costs["meme"]!)}}"#.utf8))
                await #expect(throws: AppError.self) {
                    try await CatalogService(client: db.client).activate(input, actor: .commandLine(), logger: db.logger)
                }
            }
            let version = try await db.one("SELECT count(*)::int FROM generation_pricing", as: Int.self)
            #expect(version == 1)
        }
    }
}
