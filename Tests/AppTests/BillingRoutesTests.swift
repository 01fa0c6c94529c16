import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import TestSupport
import Testing

@Suite struct BillingRoutesTests {
    @Test func plansAndTopupsAreListedInOrderWithoutSigningIn() async throws {
        try await withTestApp { client, _ in
            let plans = try await client.json(.get, "/api/v1/plans")
            #expect((plans.body["items"] as? [[String: Any]])?.compactMap { $0["plan_code"] as? String } == ["FREE", "STARTER", "GROWTH", "TEAM"])
            #expect(plans.body["payments_enabled"] as? Bool == false)
            let topups = try await client.json(.get, "/api/v1/topups")
            #expect((topups.body["items"] as? [[String: Any]])?.compactMap { $0["tokens_amount"] as? Int } == [100, 500, 2000])
        }
    }

    @Test func aQuoteShowsThePriceAndTheBalance() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("quote@example.com", db: db)
            let quote = try await client.json(.post, "/api/v1/pricing/quote", body: ["formats": ["1:1", "story", "square"]], token: token)
            #expect(quote.status == .ok)
            #expect(quote.body["price"] as? Int == 80)
            #expect(quote.body["balance"] as? Int == 50)
            #expect(quote.body["formats"] as? [String] == ["square", "story"])
            let bad = try await client.json(.post, "/api/v1/pricing/quote", body: ["formats": ["banner"]], token: token)
            #expect(bad.status == .unprocessableContent)
            #expect((bad.body["errors"] as? [String: String])?["formats"] != nil)
        }
    }

    @Test func adminAdjustmentsAreLedgeredOncePerIdempotencyKeyAndPageNewestFirst() async throws {
        try await withTestApp(environment: ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]) { client, db in
            let (userToken, userID) = try await client.signIn("member@example.com", db: db)
            let (bossToken, _) = try await client.signIn("boss@example.com", db: db)
            for key in ["k1", "k1", "k2", "k3"] {
                let adjusted = try await client.json(
                    .post, "/api/v1/admin/users/\(userID)/tokens", body: ["delta": 25, "note": "goodwill"], token: bossToken,
                    headers: [HTTPField.Name("Idempotency-Key")!: key])
                #expect(adjusted.status == .ok)
                #expect(adjusted.body["reason"] as? String == "ADMIN_ADJUST")
            }
            let tokens = try await client.json(.get, "/api/v1/tokens", token: userToken)
            #expect(tokens.body["balance"] as? Int == 50 + 3 * 25)
            let overdraw = try await client.json(.post, "/api/v1/admin/users/\(userID)/tokens", body: ["delta": -1000], token: bossToken)
            #expect(overdraw.status.code == 402)
            #expect(overdraw.body["code"] as? String == "INSUFFICIENT_TOKENS")
            #expect(overdraw.body["balance"] as? Int == 125)

            var reasons: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.json(.get, "/api/v1/tokens/ledger?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: userToken)
                reasons += (page.body["items"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
                cursor = page.body["next_cursor"] as? String
            } while cursor != nil
            #expect(reasons == ["ADMIN_ADJUST", "ADMIN_ADJUST", "ADMIN_ADJUST", "SIGNUP_GRANT"])
        }
    }

    @Test func adminsEditPlansTopupsAndThePricingRule() async throws {
        try await withTestApp(environment: ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]) { client, db in
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            let created = try await client.json(
                .put, "/api/v1/admin/plans/AGENCY", body: ["display_name": "Agency", "monthly_tokens": 90000, "sort_order": 5, "rollover_cap": 1000],
                token: boss)
            #expect((created.body["items"] as? [[String: Any]])?.last?["plan_code"] as? String == "AGENCY")
            let retired = try await client.json(
                .put, "/api/v1/admin/plans/AGENCY", body: ["display_name": "Agency", "monthly_tokens": 90000, "is_active": false], token: boss)
            #expect((retired.body["items"] as? [[String: Any]])?.contains { $0["plan_code"] as? String == "AGENCY" } == false)
            let invalid = try await client.json(.put, "/api/v1/admin/topups/bad sku", body: ["display_name": "", "tokens_amount": 0], token: boss)
            #expect(invalid.status == .unprocessableContent)
            #expect(Set((invalid.body["errors"] as? [String: String])?.keys ?? [:].keys) == ["topup_sku", "tokens_amount", "display_name"])

            let rule = try await client.json(
                .post, "/api/v1/admin/pricing", body: ["name": "Per ad", "strategy": "PER_AD", "base_cost_tokens": 10], token: boss)
            #expect(rule.body["strategy"] as? String == "PER_AD")
            #expect(rule.body["version"] as? Int == 2)
            let quote = try await client.json(.post, "/api/v1/pricing/quote", body: ["formats": ["square", "story"], "expected_ads": 4], token: boss)
            #expect(quote.body["price"] as? Int == 40)
            #expect(try await db.one("SELECT count(*)::int FROM generation_pricing WHERE is_active", as: Int.self) == 1)
        }
    }

    @Test func paymentEndpointsExplainThatPaymentsAreNotConfigured() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("payer@example.com", db: db)
            for action in ["checkout", "portal", "cancel", "resume"] {
                let answer = try await client.json(.post, "/api/v1/billing/\(action)", body: ["plan_code": "STARTER"], token: token)
                #expect(answer.status == .serviceUnavailable)
                #expect(answer.body["code"] as? String == "PAYMENTS_NOT_CONFIGURED")
            }
        }
    }
}
