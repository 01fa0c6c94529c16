public import Foundation

/// Active Stripe prices per product, cached for a few minutes so listing plans does not call
/// Stripe on every page view. A failed lookup shows no price rather than failing the page.
public actor StripePrices {
    /// What a buyer pays, as Stripe states it (amount in the currency's smallest unit).
    public struct Price: Sendable, Codable, Equatable {
        public let unitAmount: Int?
        public let currency: String
        public let interval: String?
        enum CodingKeys: String, CodingKey {
            case currency, interval
            case unitAmount = "unit_amount"
        }
    }

    let stripe: StripeClient
    let lifetime: TimeInterval
    private var cache: [String: (price: Price?, fetchedAt: Date)] = [:]

    public init(stripe: StripeClient, lifetime: TimeInterval = 300) {
        self.stripe = stripe
        self.lifetime = lifetime
    }

    public func price(forProduct product: String) async -> Price? {
        if let cached = cache[product], Date().timeIntervalSince(cached.fetchedAt) < lifetime { return cached.price }
        let list = try? await stripe.get("/v1/prices", query: [("product", product), ("active", "true"), ("limit", "1")])
        let object = (list?["data"] as? [[String: Any]])?.first
        let price = object.map {
            Price(
                unitAmount: $0["unit_amount"] as? Int, currency: $0["currency"] as? String ?? "usd",
                interval: ($0["recurring"] as? [String: Any])?["interval"] as? String)
        }
        cache[product] = (price, Date())
        return price
    }
}
