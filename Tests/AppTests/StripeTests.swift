import App
import Billing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOFoundationCompat
import PostgresNIO
import ServiceLifecycle
import Signing
import TaskQueue
import TestSupport
import Testing

/// Payments against a Stripe stand-in speaking Stripe's wire format, with webhook events built
/// from Stripe's own fixtures and signed with the documented scheme.
@Suite(.serialized) struct StripeTests {
    static let webhookSecret = "whsec_test_blumpo"

    private func withStripeApp(
        _ body: @escaping @Sendable (any TestClientProtocol, TestDatabase, StripeTestServer) async throws -> Void
    ) async throws {
        let stripe = try StripeTestServer()
        try await stripe.start()
        defer { stripe.stop() }
        let environment = [
            "STRIPE_SECRET_KEY": "sk_test_blumpo", "STRIPE_WEBHOOK_SECRET": Self.webhookSecret, "STRIPE_API_BASE": stripe.baseURL,
            "BLUMPO_QUEUE_POLL_MS": "50", "BLUMPO_FETCH_LOOPBACK_ONLY": "1",
        ]
        try await withTestApp(environment: environment) { client, db in
            var configuration = try AppConfiguration(environment: environment)
            configuration.queue.maintenanceInterval = .milliseconds(100)
            let worker = try BackgroundWork(configuration: configuration, logger: db.logger).worker(client: db.client, logger: db.logger)
            try await withRunningServices([worker], logger: db.logger) { try await body(client, db, stripe) }
        }
    }

    /// A Stripe event envelope (fixture) around a fixture object with overrides.
    private func event(id: String, type: String, object fixture: String, _ overrides: [String: Any]) throws -> [UInt8] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TestSupport/Servers/stripe-fixtures")
        func load(_ name: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("\(name).json"))) as! [String: Any]
        }
        var object = try load(fixture)
        object.merge(overrides) { _, new in new }
        var envelope = try load("event")
        envelope["id"] = id
        envelope["type"] = type
        envelope["data"] = ["object": object]
        return Array(try JSONSerialization.data(withJSONObject: envelope))
    }

    private func deliver(_ payload: [UInt8], to client: any TestClientProtocol, timestamp: Int = Int(Date().timeIntervalSince1970), secret: String = webhookSecret) async throws -> (HTTPResponse.Status, [String: Any]) {
        let signature = TimestampedSignature.sign(payload: payload, timestamp: timestamp, secret: secret)
        return try await client.execute(
            uri: "/api/v1/webhooks/stripe", method: .post,
            headers: [HTTPField.Name("Stripe-Signature")!: "t=\(timestamp),v1=\(signature)", .contentType: "application/json"],
            body: ByteBuffer(bytes: payload)
        ) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:])
        }
    }

    @Test func webhooksWithABadOrStaleSignatureAreRefused() async throws {
        try await withStripeApp { client, _, _ in
            let payload = try event(id: "evt_sig", type: "ping", object: "customer", [:])
            let wrongSecret = try await deliver(payload, to: client, secret: "whsec_other")
            #expect(wrongSecret.0 == .badRequest && wrongSecret.1["code"] as? String == "SIGNATURE_INVALID")
            let stale = try await deliver(payload, to: client, timestamp: Int(Date().timeIntervalSince1970) - 301)
            #expect(stale.0 == .badRequest)
            let good = try await deliver(payload, to: client)
            #expect(good.0 == .ok && good.1["duplicate"] as? Bool == false)
        }
    }

    @Test func aPaidTopUpIsCreditedOnceFromTheWebhookAlone() async throws {
        try await withStripeApp { client, db, _ in
            let (token, userID) = try await client.signIn("buyer@example.com", db: db)
            let session: [String: Any] = [
                "id": "cs_test_topup1", "mode": "payment", "payment_status": "paid", "status": "complete", "customer": "cus_buyer",
                "client_reference_id": userID, "metadata": ["user_id": userID, "kind": "topup", "topup_sku": "TOPUP_500"],
            ]
            let first = try event(id: "evt_topup_1", type: "checkout.session.completed", object: "checkout.session", session)
            #expect(try await deliver(first, to: client).1["duplicate"] as? Bool == false)
            #expect(try await deliver(first, to: client).1["duplicate"] as? Bool == true)
            // The same session under another event id still credits once (reference checkout:<session>).
            let again = try event(id: "evt_topup_2", type: "checkout.session.completed", object: "checkout.session", session)
            _ = try await deliver(again, to: client)
            let processed = try await db.eventually {
                try await db.one("SELECT count(*)::int FROM stripe_event WHERE processed_at IS NOT NULL", as: Int.self) == 2
            }
            #expect(processed)
            let tokens = try await client.json(.get, "/api/v1/tokens", token: token)
            #expect(tokens.body["balance"] as? Int == 550)
            #expect(try await db.one("SELECT count(*)::int FROM token_ledger WHERE reason = 'TOPUP_PURCHASE'", as: Int.self) == 1)
            #expect(try await db.one("SELECT stripe_customer_id FROM token_account", as: String.self) == "cus_buyer")
        }
    }

    @Test func subscriptionEventsOutOfOrderConvergeOnStripesLatestState() async throws {
        try await withStripeApp { client, db, stripe in
            let (token, userID) = try await client.signIn("subscriber@example.com", db: db)
            let periodStart = Int(Date().timeIntervalSince1970) - 60
            let active: [String: Any] = [
                "status": "active", "customer": "cus_sub", "metadata": ["user_id": userID, "kind": "subscription", "plan_code": "GROWTH"],
            ]
            try await setSubscription(stripe, "sub_1", active)
            let invoice: [String: Any] = [
                "id": "in_1", "billing_reason": "subscription_create", "customer": "cus_sub",
                "parent": ["type": "subscription_details", "subscription_details": ["subscription": "sub_1", "metadata": [:]]],
                "lines": ["object": "list", "data": [["period": ["start": periodStart, "end": periodStart + 2_592_000]]]],
            ]
            _ = try await deliver(try event(id: "evt_inv_1", type: "invoice.paid", object: "invoice", invoice), to: client)
            _ = try await deliver(try event(id: "evt_inv_1b", type: "invoice.paid", object: "invoice", invoice.merging(["id": "in_1"]) { $1 }), to: client)
            #expect(try await db.eventually { try await db.one("SELECT plan_code FROM token_account", as: String.self) == "GROWTH" })
            #expect(try await db.eventually {
                try await db.one("SELECT count(*)::int FROM stripe_event WHERE processed_at IS NOT NULL", as: Int.self) == 2
            })
            #expect(try await client.json(.get, "/api/v1/tokens", token: token).body["balance"] as? Int == 3050)
            #expect(try await db.one("SELECT count(*)::int FROM token_ledger WHERE reason = 'SUBS_ACTIVATION'", as: Int.self) == 1)

            // Stripe has since cancelled the subscription; an old "updated" event arrives after "deleted".
            try await setSubscription(stripe, "sub_1", ["status": "canceled", "canceled_at": periodStart + 100])
            var subscription = active
            subscription["id"] = "sub_1"
            _ = try await deliver(try event(id: "evt_del", type: "customer.subscription.deleted", object: "subscription", subscription), to: client)
            _ = try await deliver(try event(id: "evt_upd_old", type: "customer.subscription.updated", object: "subscription", subscription), to: client)
            #expect(try await db.eventually {
                try await db.one("SELECT count(*)::int FROM stripe_event WHERE processed_at IS NOT NULL", as: Int.self) == 4
            })
            let (plan, status, subscriptionID) = try await db.one(
                "SELECT plan_code, subscription_status, stripe_subscription_id FROM token_account", as: (String, String, String?).self)
            #expect(plan == "FREE" && status == "canceled" && subscriptionID == nil)
        }
    }

    @Test func checkoutCreatesTheCustomerOnceAndTagsTheSessionWithTheUser() async throws {
        try await withStripeApp { client, db, stripe in
            try await db.execute("UPDATE subscription_plan SET stripe_product_id = 'prod_starter' WHERE plan_code = 'STARTER'")
            let (token, rawUserID) = try await client.signIn("shopper@example.com", db: db)
            let userID = rawUserID.lowercased()
            for _ in 0..<2 {
                let answer = try await client.json(.post, "/api/v1/billing/checkout", body: ["plan_code": "STARTER"], token: token)
                #expect(answer.status == .ok)
                #expect((answer.body["url"] as? String)?.hasPrefix("https://checkout.stripe.com/") == true)
            }
            let requests = stripe.requests()
            #expect(requests.filter { $0["path"] as? String == "/v1/customers" }.count == 1)
            #expect(requests.allSatisfy { $0["version"] as? String == StripeClient.apiVersion })
            let session = try #require(requests.last { $0["path"] as? String == "/v1/checkout/sessions" }?["form"] as? [String: String])
            #expect(session["mode"] == "subscription")
            #expect(session["client_reference_id"] == userID)
            #expect(session["metadata[user_id]"] == userID && session["metadata[plan_code]"] == "STARTER")
            #expect(session["subscription_data[metadata][user_id]"] == userID)
            #expect(session["line_items[0][price]"] == "price_prod_starter")
            let plans = try await client.json(.get, "/api/v1/plans")
            let starter = (plans.body["items"] as? [[String: Any]])?.first { $0["plan_code"] as? String == "STARTER" }
            #expect((starter?["price"] as? [String: Any])?["currency"] as? String != nil)
            #expect(plans.body["payments_enabled"] as? Bool == true)
            let unpriced = try await client.json(.post, "/api/v1/billing/checkout", body: ["topup_sku": "TOPUP_100"], token: token)
            #expect(unpriced.status == .conflict && unpriced.body["code"] as? String == "NOT_PURCHASABLE")
        }
    }

    private func setSubscription(_ stripe: StripeTestServer, _ id: String, _ fields: [String: Any]) async throws {
        var request = URLRequest(url: URL(string: "\(stripe.baseURL)/_test/subscriptions/\(id)")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: fields)
        _ = try await URLSession.shared.data(for: request)
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
