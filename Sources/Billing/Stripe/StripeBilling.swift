import Core
import Database
public import Foundation
public import Logging
public import PostgresNIO

/// Checkout, portal, cancel and resume for a signed-in user, against Stripe.
public struct StripeBilling: Sendable {
    let stripe: StripeClient
    let client: PostgresClient
    let baseURL: String

    public init(stripe: StripeClient, client: PostgresClient, baseURL: String) {
        self.stripe = stripe
        self.client = client
        self.baseURL = baseURL
    }

    public enum Purchase: Sendable {
        case plan(String)
        case topup(String)
    }

    /// The URL of a Checkout Session for a plan (subscription mode) or a top-up (payment mode).
    /// `returnPath`, a path on this site, is offered on the success page to carry on where the
    /// buyer was (the caller checks it is local).
    public func checkoutURL(userID: UUID, email: String, purchase: Purchase, returnPath: String? = nil, logger: Logger) async throws -> String {
        let (kind, code, productID) = try await product(for: purchase, logger: logger)
        guard let productID else {
            throw AppError.conflict(code: "NOT_PURCHASABLE", detail: "\(code) has no Stripe product yet; an admin must set its stripe_product_id.")
        }
        let prices = try await stripe.get("/v1/prices", query: [("product", productID), ("active", "true"), ("limit", "1")])
        guard let priceID = ((prices["data"] as? [[String: Any]])?.first)?["id"] as? String else {
            throw AppError.conflict(code: "NOT_PURCHASABLE", detail: "\(code) has no active price in Stripe.")
        }
        let customer = try await customerID(userID: userID, email: email, logger: logger)
        let codeKey = kind == "subscription" ? "plan_code" : "topup_sku"
        let user = userID.uuidString.lowercased()
        var form: [(String, String)] = [
            ("mode", kind == "subscription" ? "subscription" : "payment"),
            ("customer", customer), ("client_reference_id", user),
            ("line_items[0][price]", priceID), ("line_items[0][quantity]", "1"),
            ("success_url", baseURL + "/billing/success?session_id={CHECKOUT_SESSION_ID}" + (returnPath.flatMap(Self.nextParameter) ?? "")),
            ("cancel_url", baseURL + "/billing"),
            ("metadata[user_id]", user), ("metadata[kind]", kind), ("metadata[\(codeKey)]", code),
        ]
        if kind == "subscription" {
            form += [
                ("subscription_data[metadata][user_id]", user),
                ("subscription_data[metadata][kind]", kind), ("subscription_data[metadata][plan_code]", code),
            ]
        }
        let session = try await stripe.post("/v1/checkout/sessions", form: form)
        guard let url = session["url"] as? String else { throw StripeError(status: 502, message: "checkout session without url") }
        return url
    }

    static func nextParameter(_ path: String) -> String? {
        path.addingPercentEncoding(withAllowedCharacters: .alphanumerics).map { "&next=" + $0 }
    }

    /// The customer portal for the user's Stripe customer.
    public func portalURL(userID: UUID, email: String, logger: Logger) async throws -> String {
        let customer = try await customerID(userID: userID, email: email, logger: logger)
        let session = try await stripe.post("/v1/billing_portal/sessions", form: [("customer", customer), ("return_url", baseURL + "/billing")])
        guard let url = session["url"] as? String else { throw StripeError(status: 502, message: "portal session without url") }
        return url
    }

    /// Cancels at the end of the period (`true`) or undoes that (`false`); the webhook that
    /// follows records the new state.
    public func setCancelAtPeriodEnd(userID: UUID, _ cancel: Bool, logger: Logger) async throws {
        let subscription = try await client.withConnection { connection in
            try await connection.query("SELECT stripe_subscription_id FROM token_account WHERE user_id = \(userID)", logger: logger)
                .collect().first?.decode(String?.self)
        }
        guard let id = subscription else {
            throw AppError.conflict(code: "NO_SUBSCRIPTION", detail: "There is no subscription to change.")
        }
        _ = try await stripe.post("/v1/subscriptions/\(id)", form: [("cancel_at_period_end", cancel ? "true" : "false")])
    }

    /// The user's Stripe customer, created once (the idempotency key makes a race create one).
    func customerID(userID: UUID, email: String, logger: Logger) async throws -> String {
        let existing = try await client.withConnection { connection in
            try await connection.query("SELECT stripe_customer_id FROM token_account WHERE user_id = \(userID)", logger: logger)
                .collect().first?.decode(String?.self)
        }
        if let id = existing { return id }
        let customer = try await stripe.post(
            "/v1/customers", form: [("email", email), ("metadata[user_id]", userID.uuidString.lowercased())],
            idempotencyKey: "customer:\(userID.uuidString.lowercased())")
        guard let id = customer["id"] as? String else { throw StripeError(status: 502, message: "customer without id") }
        return try await client.withConnection { connection in
            try await connection.query(
                """
                UPDATE token_account SET stripe_customer_id = coalesce(stripe_customer_id, \(id))
                WHERE user_id = \(userID) RETURNING stripe_customer_id
                """, logger: logger
            ).collect().first?.decode(String.self) ?? id
        }
    }

    private func product(for purchase: Purchase, logger: Logger) async throws -> (kind: String, code: String, productID: String?) {
        try await client.withConnection { connection in
            switch purchase {
            case .plan(let code):
                guard let row = try await connection.query(
                    "SELECT stripe_product_id FROM subscription_plan WHERE plan_code = \(code) AND is_active AND NOT is_default", logger: logger
                ).collect().first else { throw AppError.validation(["plan_code": "is not a plan you can buy"]) }
                return ("subscription", code, try row.decode(String?.self))
            case .topup(let sku):
                guard let row = try await connection.query(
                    "SELECT stripe_product_id FROM topup_plan WHERE topup_sku = \(sku) AND is_active", logger: logger
                ).collect().first else { throw AppError.validation(["topup_sku": "is not a top-up you can buy"]) }
                return ("topup", sku, try row.decode(String?.self))
            }
        }
    }
}
