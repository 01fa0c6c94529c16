import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import TestSupport
import Testing

/// Every admin edit leaves one audit row — who, what, the object before and after — written in
/// the edit's own transaction.
@Suite struct AdminAuditTests {
    static let admin = ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]

    /// The newest audit entry of an action.
    func latest(_ action: String, _ client: any TestClientProtocol, token: String) async throws -> [String: Any] {
        let page = try await client.json(.get, "/api/v1/admin/audit?action=\(action)", token: token)
        let items = try #require(page.body["items"] as? [[String: Any]])
        #expect(items.count == 1, "\(action)")
        return try #require(items.first)
    }

    @Test func everyCatalogueAndAccountEditIsAuditedWithBeforeAndAfter() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (boss, bossID) = try await client.signIn("boss@example.com", db: db)
            let (_, memberID) = try await client.signIn("member@example.com", db: db)

            _ = try await client.json(.put, "/api/v1/admin/plans/GROWTH", body: ["display_name": "Growth+", "monthly_tokens": 900, "brand_limit": 5], token: boss)
            let plan = try await latest("plan.put", client, token: boss)
            #expect(plan["actor_id"] as? String == bossID)
            #expect(plan["actor_email"] as? String == "boss@example.com")
            #expect(plan["target_type"] as? String == "plan" && plan["target_id"] as? String == "GROWTH")
            #expect((plan["before"] as? [String: Any])?["brand_limit"] as? Int == 3)
            #expect((plan["after"] as? [String: Any])?["brand_limit"] as? Int == 5)
            #expect((plan["after"] as? [String: Any])?["display_name"] as? String == "Growth+")

            _ = try await client.json(.put, "/api/v1/admin/topups/TOPUP_BIG", body: ["display_name": "Big", "tokens_amount": 9000], token: boss)
            let topup = try await latest("topup.put", client, token: boss)
            #expect(topup["before"] is NSNull)
            #expect((topup["after"] as? [String: Any])?["tokens_amount"] as? Int == 9000)

            _ = try await client.json(.post, "/api/v1/admin/pricing", body: ["name": "Per ad", "strategy": "PER_AD", "base_cost_tokens": 10], token: boss)
            let pricing = try await latest("pricing.activate", client, token: boss)
            #expect((pricing["before"] as? [String: Any])?["version"] as? Int == 1)
            #expect((pricing["after"] as? [String: Any])?["strategy"] as? String == "PER_AD")

            let adjust: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "grant-1"]
            for _ in 0..<2 {
                _ = try await client.json(.post, "/api/v1/admin/users/\(memberID)/tokens", body: ["delta": 25, "note": "goodwill"], token: boss, headers: adjust)
            }
            let tokens = try await latest("tokens.adjust", client, token: boss)
            #expect((tokens["before"] as? [String: Any])?["balance"] as? Int == 50)
            #expect((tokens["after"] as? [String: Any])?["balance"] as? Int == 75)
            #expect((tokens["after"] as? [String: Any])?["note"] as? String == "goodwill")

            _ = try await client.json(.post, "/api/v1/admin/users/\(memberID)/ban", token: boss)
            _ = try await client.json(.post, "/api/v1/admin/users/\(memberID)/unban", token: boss)
            let ban = try await latest("user.ban", client, token: boss)
            #expect((ban["before"] as? [String: Any])?["ban_flag"] as? Bool == false)
            #expect((ban["after"] as? [String: Any])?["ban_flag"] as? Bool == true)
            let unban = try await latest("user.unban", client, token: boss)
            #expect((unban["after"] as? [String: Any])?["ban_flag"] as? Bool == false)

            // The list: newest first, filtered by target, paged by cursor.
            let forMember = try await client.json(.get, "/api/v1/admin/audit?target_type=user&target_id=\(memberID)", token: boss)
            #expect((forMember.body["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["user.unban", "user.ban", "tokens.adjust"])
            var actions: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.json(.get, "/api/v1/admin/audit?limit=2&actor_id=\(bossID)" + (cursor.map { "&cursor=\($0)" } ?? ""), token: boss)
                actions += (page.body["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
                cursor = page.body["next_cursor"] as? String
                // Present on every page, null on the last.
                #expect(cursor != nil || page.body["next_cursor"] is NSNull)
            } while cursor != nil
            #expect(actions == ["user.unban", "user.ban", "tokens.adjust", "pricing.activate", "topup.put", "plan.put"])
            #expect(try await client.json(.get, "/api/v1/admin/audit?cursor=abc", token: boss).status == .badRequest)
        }
    }

    @Test func aRefusedEditLeavesNoAuditRow() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            let refused = try await client.json(.put, "/api/v1/admin/plans/FREE", body: ["display_name": "Free", "monthly_tokens": 50, "is_default": false], token: boss)
            #expect(refused.status == .unprocessableContent)
            #expect((refused.body["errors"] as? [String: String])?["is_default"] != nil)
            #expect(try await db.one("SELECT count(*)::int FROM admin_audit", as: Int.self) == 0)
        }
    }

    @Test func aStripeProductIDAnotherPlanHasIsAConflictNotAFault() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            let body: [String: Any] = ["display_name": "Growth", "monthly_tokens": 1000, "stripe_product_id": "prod_shared"]
            #expect(try await client.json(.put, "/api/v1/admin/plans/GROWTH", body: body, token: boss).status == .ok)
            var other = body
            other["display_name"] = "Starter"
            let clash = try await client.json(.put, "/api/v1/admin/plans/STARTER", body: other, token: boss)
            #expect(clash.status == .conflict)
            #expect(clash.body["code"] as? String == "CONFLICT")
            #expect(try await db.one("SELECT count(*)::int FROM subscription_plan WHERE stripe_product_id = 'prod_shared'", as: Int.self) == 1)
        }
    }

    @Test func theDefaultPlanMovesAndBrandLimitsCanBeLifted() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            let moved = try await client.json(
                .put, "/api/v1/admin/plans/STARTER", body: ["display_name": "Starter", "monthly_tokens": 300, "is_default": true, "brand_limit": NSNull()],
                token: boss)
            #expect(moved.status == .ok)
            let plans = try #require(moved.body["items"] as? [[String: Any]])
            #expect(plans.filter { $0["is_default"] as? Bool == true }.compactMap { $0["plan_code"] as? String } == ["STARTER"])
            #expect(plans.first { $0["plan_code"] as? String == "STARTER" }?["brand_limit"] is NSNull)
            // Absent brand_limit leaves it alone.
            _ = try await client.json(.put, "/api/v1/admin/plans/GROWTH", body: ["display_name": "Growth", "monthly_tokens": 1000], token: boss)
            #expect(try await db.one("SELECT brand_limit FROM subscription_plan WHERE plan_code = 'GROWTH'", as: Int.self) == 3)
            let bad = try await client.json(.put, "/api/v1/admin/plans/GROWTH", body: ["display_name": "Growth", "monthly_tokens": 1000, "brand_limit": -1], token: boss)
            #expect((bad.body["errors"] as? [String: String])?["brand_limit"] != nil)
        }
    }
}
