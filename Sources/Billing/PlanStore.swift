public import Foundation
public import Logging
public import PostgresNIO

/// Subscription plans and top-ups as the product lists them.
public struct PlanStore: Sendable {
    public init() {}

    public struct Plan: Sendable, Codable, Equatable {
        public let planCode: String
        public let displayName: String
        public let monthlyTokens: Int64
        public let description: [String]
        public let isDefault: Bool
        public let rolloverCap: Int64?
        public let sortOrder: Int
        public let stripeProductID: String?
        /// Filled from Stripe when payments are configured.
        public var price: StripePrices.Price?

        enum CodingKeys: String, CodingKey {
            case description, price
            case planCode = "plan_code"
            case displayName = "display_name"
            case monthlyTokens = "monthly_tokens"
            case isDefault = "is_default"
            case rolloverCap = "rollover_cap"
            case sortOrder = "sort_order"
            case stripeProductID = "stripe_product_id"
        }
    }

    public struct Topup: Sendable, Codable, Equatable {
        public let topupSKU: String
        public let displayName: String
        public let tokensAmount: Int64
        public let sortOrder: Int
        public let stripeProductID: String?
        /// Filled from Stripe when payments are configured.
        public var price: StripePrices.Price?

        enum CodingKeys: String, CodingKey {
            case price
            case stripeProductID = "stripe_product_id"
            case topupSKU = "topup_sku"
            case displayName = "display_name"
            case tokensAmount = "tokens_amount"
            case sortOrder = "sort_order"
        }
    }

    public func activePlans(on connection: PostgresConnection, logger: Logger) async throws -> [Plan] {
        try await connection.query(
            """
            SELECT plan_code, display_name, monthly_tokens, coalesce(description, '[]')::text, is_default, rollover_cap, sort_order,
                   stripe_product_id
            FROM subscription_plan WHERE is_active ORDER BY sort_order, plan_code
            """, logger: logger
        ).collect().map { row in
            let (code, name, tokens, description, isDefault, cap, order, product) = try row.decode(
                (String, String, Int64, String, Bool, Int64?, Int, String?).self)
            let lines = (try? JSONDecoder().decode([String].self, from: Data(description.utf8))) ?? []
            return Plan(
                planCode: code, displayName: name, monthlyTokens: tokens, description: lines, isDefault: isDefault, rolloverCap: cap,
                sortOrder: order, stripeProductID: product, price: nil)
        }
    }

    public func activeTopups(on connection: PostgresConnection, logger: Logger) async throws -> [Topup] {
        try await connection.query(
            """
            SELECT topup_sku, display_name, tokens_amount, sort_order, stripe_product_id
            FROM topup_plan WHERE is_active ORDER BY sort_order, topup_sku
            """, logger: logger
        ).collect().map { row in
            let (sku, name, amount, order, product) = try row.decode((String, String, Int64, Int, String?).self)
            return Topup(topupSKU: sku, displayName: name, tokensAmount: amount, sortOrder: order, stripeProductID: product, price: nil)
        }
    }

    func upsertPlan(_ code: String, _ edit: PlanEdit, on connection: PostgresConnection, logger: Logger) async throws {
        let description = String(decoding: try JSONEncoder().encode(edit.description ?? []), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO subscription_plan (plan_code, display_name, monthly_tokens, description, stripe_product_id, is_active, sort_order, rollover_cap)
            VALUES (\(code), \(edit.displayName), \(edit.monthlyTokens), \(description)::jsonb, \(edit.stripeProductID),
                    \(edit.isActive ?? true), \(edit.sortOrder ?? 100), \(edit.rolloverCap))
            ON CONFLICT (plan_code) DO UPDATE SET display_name = EXCLUDED.display_name, monthly_tokens = EXCLUDED.monthly_tokens,
                description = EXCLUDED.description, stripe_product_id = EXCLUDED.stripe_product_id,
                is_active = EXCLUDED.is_active OR subscription_plan.is_default, sort_order = EXCLUDED.sort_order,
                rollover_cap = EXCLUDED.rollover_cap
            """, logger: logger)
    }

    func upsertTopup(_ sku: String, _ edit: TopupEdit, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO topup_plan (topup_sku, display_name, tokens_amount, stripe_product_id, is_active, sort_order)
            VALUES (\(sku), \(edit.displayName), \(edit.tokensAmount), \(edit.stripeProductID), \(edit.isActive ?? true), \(edit.sortOrder ?? 100))
            ON CONFLICT (topup_sku) DO UPDATE SET display_name = EXCLUDED.display_name, tokens_amount = EXCLUDED.tokens_amount,
                stripe_product_id = EXCLUDED.stripe_product_id, is_active = EXCLUDED.is_active, sort_order = EXCLUDED.sort_order
            """, logger: logger)
    }
}
