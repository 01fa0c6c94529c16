import Core
import Database
import Foundation
import Logging
import PostgresNIO
public import TaskQueue

/// Applies one Stripe event (product spec §4.2). Subscription state is always read back from
/// Stripe, so events arriving twice or out of order converge on Stripe's latest state.
public struct ProcessStripeEvent: TaskHandler {
    public static let kind = "stripe.event"

    public struct Payload: Codable, Sendable {
        public let eventID: String
        enum CodingKeys: String, CodingKey { case eventID = "event_id" }
    }

    let stripe: StripeClient
    public let options = TaskKindOptions(maxAttempts: 10, concurrency: 2, baseBackoff: .seconds(5))

    public init(stripe: StripeClient) {
        self.stripe = stripe
    }

    public func run(_ payload: Payload, context: TaskContext) async throws {
        let logger = context.logger
        let rows = try await context.client.withConnection { connection in
            try await connection.query("SELECT type, payload::text FROM stripe_event WHERE id = \(payload.eventID)", logger: logger).collect()
        }
        guard let row = rows.first else { throw PermanentTaskError("event \(payload.eventID) is not in the inbox") }
        let (type, text) = try row.decode((String, String).self)
        let event = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        let object = ((event["data"] as? [String: Any])?["object"] as? [String: Any]) ?? [:]
        switch type {
        case "checkout.session.completed":
            try await checkoutCompleted(object, context: context)
        case "invoice.paid":
            try await invoicePaid(object, context: context)
        case "invoice.payment_failed", "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted":
            let subscriptionID = type.hasPrefix("customer.subscription") ? object["id"] as? String : Self.subscriptionID(ofInvoice: object)
            if let subscriptionID { try await sync(subscriptionID: subscriptionID, context: context) }
        default:
            logger.debug("stripe event ignored", metadata: ["type": "\(type)"])
        }
        try await context.client.withConnection { connection in
            try await connection.query("UPDATE stripe_event SET processed_at = now() WHERE id = \(payload.eventID)", logger: logger)
        }
    }

    /// A paid top-up credits its tokens; a subscription checkout links customer and subscription.
    private func checkoutCompleted(_ session: [String: Any], context: TaskContext) async throws {
        let metadata = session["metadata"] as? [String: Any] ?? [:]
        guard let userText = (metadata["user_id"] as? String) ?? (session["client_reference_id"] as? String), let userID = UUID(uuidString: userText)
        else { throw PermanentTaskError("checkout session \(session["id"] ?? "?") names no user") }
        let sessionID = session["id"] as? String ?? ""
        try await context.client.transaction(logger: context.logger) { connection in
            if let customer = session["customer"] as? String {
                try await connection.query(
                    "UPDATE token_account SET stripe_customer_id = coalesce(stripe_customer_id, \(customer)) WHERE user_id = \(userID)",
                    logger: context.logger)
            }
            guard session["mode"] as? String == "payment", session["payment_status"] as? String == "paid",
                metadata["kind"] as? String == "topup", let sku = metadata["topup_sku"] as? String
            else { return }
            let amount = try await connection.query("SELECT tokens_amount FROM topup_plan WHERE topup_sku = \(sku)", logger: context.logger)
                .collect().first?.decode(Int64.self)
            guard let amount else { throw PermanentTaskError("unknown top-up \(sku) in checkout \(sessionID)") }
            _ = try await TokenLedger().apply(
                userID: userID, delta: amount, reason: .topupPurchase, referenceID: "checkout:\(sessionID)", on: connection, logger: context.logger)
        }
        if session["mode"] as? String == "subscription", let subscription = session["subscription"] as? String {
            try await sync(subscriptionID: subscription, context: context)
        }
    }

    /// A paid subscription invoice grants the period's tokens, once per period.
    private func invoicePaid(_ invoice: [String: Any], context: TaskContext) async throws {
        guard let subscriptionID = Self.subscriptionID(ofInvoice: invoice) else { return }
        guard let userID = try await sync(subscriptionID: subscriptionID, context: context) else { return }
        let line = ((invoice["lines"] as? [String: Any])?["data"] as? [[String: Any]])?.first
        let start = ((line?["period"] as? [String: Any])?["start"] as? Int) ?? (invoice["period_start"] as? Int) ?? 0
        guard let periodStart = Bounds.date(unixSeconds: Double(start)) else {
            context.logger.warning("paid invoice without a usable period start", metadata: ["subscription": "\(subscriptionID)"])
            return
        }
        let reason: LedgerReason = invoice["billing_reason"] as? String == "subscription_create" ? .subscriptionActivation : .subscriptionRefill
        try await context.client.transaction(logger: context.logger) { connection in
            _ = try await RefillService().refill(
                userID: userID, periodStart: periodStart, reason: reason, on: connection, logger: context.logger)
        }
    }

    /// Reads the subscription from Stripe and records plan, period, status and cancellation on the
    /// account it belongs to; a subscription that ended moves the account to the default plan.
    @discardableResult
    func sync(subscriptionID: String, context: TaskContext) async throws -> UUID? {
        let subscription = try await stripe.get("/v1/subscriptions/\(subscriptionID)")
        let metadata = subscription["metadata"] as? [String: Any] ?? [:]
        let customer = subscription["customer"] as? String
        let status = subscription["status"] as? String ?? "unknown"
        let item = ((subscription["items"] as? [String: Any])?["data"] as? [[String: Any]])?.first
        let price = item?["price"] as? [String: Any]
        let interval = ((price?["recurring"] as? [String: Any])?["interval"] as? String) ?? "month"
        let periodEnd = ((item?["current_period_end"] as? Int) ?? (subscription["current_period_end"] as? Int)).flatMap { Bounds.date(unixSeconds: Double($0)) }
        let cancellation = ((subscription["cancel_at"] as? Int) ?? (subscription["canceled_at"] as? Int)).flatMap { Bounds.date(unixSeconds: Double($0)) }
        let live = ["active", "trialing", "past_due"].contains(status)
        let period = ["day": "DAY", "week": "WEEK"][interval] ?? "MONTH"
        return try await context.client.transaction(logger: context.logger) { connection -> UUID? in
            let userText = metadata["user_id"] as? String
            let found = try await connection.query(
                """
                SELECT user_id FROM token_account
                WHERE user_id = \(userText.flatMap(UUID.init(uuidString:))) OR stripe_customer_id = \(customer)
                ORDER BY (user_id = \(userText.flatMap(UUID.init(uuidString:)))) DESC NULLS LAST LIMIT 1 FOR UPDATE
                """, logger: context.logger
            ).collect().first?.decode(UUID.self)
            guard let userID = found else {
                context.logger.warning("subscription for an unknown account", metadata: ["subscription": "\(subscriptionID)"])
                return nil
            }
            if live {
                let planCode = metadata["plan_code"] as? String
                try await connection.query(
                    """
                    UPDATE token_account SET
                        plan_code = coalesce((SELECT plan_code FROM subscription_plan WHERE plan_code = \(planCode)), plan_code),
                        period = \(period)::token_period, stripe_customer_id = coalesce(\(customer), stripe_customer_id),
                        stripe_subscription_id = \(subscriptionID), stripe_price_id = \(price?["id"] as? String),
                        stripe_product_id = \(price?["product"] as? String), subscription_status = \(status),
                        cancellation_time = \(cancellation),
                        next_refill_at = coalesce(\(periodEnd), next_refill_at)
                    WHERE user_id = \(userID)
                    """, logger: context.logger)
            } else {
                try await connection.query(
                    """
                    UPDATE token_account SET
                        plan_code = (SELECT plan_code FROM subscription_plan WHERE is_default),
                        stripe_subscription_id = NULL, subscription_status = \(status),
                        cancellation_time = coalesce(\(cancellation), now()), next_refill_at = NULL
                    WHERE user_id = \(userID) AND (stripe_subscription_id IS NULL OR stripe_subscription_id = \(subscriptionID))
                    """, logger: context.logger)
            }
            return userID
        }
    }

    /// Invoices name their subscription under `parent.subscription_details` (current API) or at
    /// the top level (older versions).
    static func subscriptionID(ofInvoice invoice: [String: Any]) -> String? {
        let details = (invoice["parent"] as? [String: Any])?["subscription_details"] as? [String: Any]
        return (details?["subscription"] as? String) ?? (invoice["subscription"] as? String)
    }
}
