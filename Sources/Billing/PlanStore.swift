import Foundation
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
        public let isActive: Bool
        /// Live brands a user of this plan may keep; nil is unlimited.
        public let brandLimit: Int?
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
            case isActive = "is_active"
            case brandLimit = "brand_limit"
        }

        /// Absent values are written as null, so "unlimited" reads as `"brand_limit": null`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(planCode, forKey: .planCode)
            try c.encode(displayName, forKey: .displayName)
            try c.encode(monthlyTokens, forKey: .monthlyTokens)
            try c.encode(description, forKey: .description)
            try c.encode(isDefault, forKey: .isDefault)
            try c.encode(rolloverCap, forKey: .rolloverCap)
            try c.encode(sortOrder, forKey: .sortOrder)
            try c.encode(stripeProductID, forKey: .stripeProductID)
            try c.encode(isActive, forKey: .isActive)
            try c.encode(brandLimit, forKey: .brandLimit)
            try c.encodeIfPresent(price, forKey: .price)
        }
    }

    public struct Topup: Sendable, Codable, Equatable {
        public let topupSKU: String
        public let displayName: String
        public let tokensAmount: Int64
        public let sortOrder: Int
        public let stripeProductID: String?
        public let isActive: Bool
        /// Filled from Stripe when payments are configured.
        public var price: StripePrices.Price?

        enum CodingKeys: String, CodingKey {
            case price
            case isActive = "is_active"
            case stripeProductID = "stripe_product_id"
            case topupSKU = "topup_sku"
            case displayName = "display_name"
            case tokensAmount = "tokens_amount"
            case sortOrder = "sort_order"
        }
    }

    static let planColumns = """
        plan_code, display_name, monthly_tokens, coalesce(description, '[]')::text, is_default, rollover_cap, sort_order,
        stripe_product_id, is_active, brand_limit
        """

    static func decodePlan(_ row: PostgresRow) throws -> Plan {
        let (code, name, tokens, description, isDefault, cap, order, product, active, brandLimit) = try row.decode(
            (String, String, Int64, String, Bool, Int64?, Int, String?, Bool, Int?).self)
        let lines = (try? JSONDecoder().decode([String].self, from: Data(description.utf8))) ?? []
        return Plan(
            planCode: code, displayName: name, monthlyTokens: tokens, description: lines, isDefault: isDefault, rolloverCap: cap,
            sortOrder: order, stripeProductID: product, isActive: active, brandLimit: brandLimit, price: nil)
    }

    static func decodeTopup(_ row: PostgresRow) throws -> Topup {
        let (sku, name, amount, order, product, active) = try row.decode((String, String, Int64, Int, String?, Bool).self)
        return Topup(topupSKU: sku, displayName: name, tokensAmount: amount, sortOrder: order, stripeProductID: product, isActive: active, price: nil)
    }

    public func activePlans(on connection: PostgresConnection, logger: Logger) async throws -> [Plan] {
        try await connection.query(
            "SELECT \(unescaped: Self.planColumns) FROM subscription_plan WHERE is_active ORDER BY sort_order, plan_code", logger: logger
        ).collect().map(Self.decodePlan)
    }

    /// A plan whether active or not (admin edits and their audit).
    public func plan(_ code: String, on connection: PostgresConnection, logger: Logger) async throws -> Plan? {
        try await connection.query("SELECT \(unescaped: Self.planColumns) FROM subscription_plan WHERE plan_code = \(code)", logger: logger)
            .collect().first.map(Self.decodePlan)
    }

    public func activeTopups(on connection: PostgresConnection, logger: Logger) async throws -> [Topup] {
        try await connection.query(
            """
            SELECT topup_sku, display_name, tokens_amount, sort_order, stripe_product_id, is_active
            FROM topup_plan WHERE is_active ORDER BY sort_order, topup_sku
            """, logger: logger
        ).collect().map(Self.decodeTopup)
    }

    public func topup(_ sku: String, on connection: PostgresConnection, logger: Logger) async throws -> Topup? {
        try await connection.query(
            "SELECT topup_sku, display_name, tokens_amount, sort_order, stripe_product_id, is_active FROM topup_plan WHERE topup_sku = \(sku)",
            logger: logger
        ).collect().first.map(Self.decodeTopup)
    }

    /// Absent `is_default` and `brand_limit` keep what the plan has (a new plan: not default, one brand).
    func upsertPlan(_ code: String, _ edit: PlanEdit, on connection: PostgresConnection, logger: Logger) async throws {
        let description = String(decoding: try JSONEncoder().encode(edit.description ?? []), as: UTF8.self)
        let limitGiven = edit.brandLimit != nil
        let limit = edit.brandLimit ?? nil
        try await connection.query(
            """
            INSERT INTO subscription_plan (plan_code, display_name, monthly_tokens, description, stripe_product_id, is_active, sort_order, rollover_cap,
                is_default, brand_limit)
            VALUES (\(code), \(edit.displayName), \(edit.monthlyTokens), \(description)::jsonb, \(edit.stripeProductID),
                    \(edit.isActive ?? true), \(edit.sortOrder ?? 100), \(edit.rolloverCap), coalesce(\(edit.isDefault), false),
                    CASE WHEN \(limitGiven) THEN \(limit)::integer ELSE 1 END)
            ON CONFLICT (plan_code) DO UPDATE SET display_name = EXCLUDED.display_name, monthly_tokens = EXCLUDED.monthly_tokens,
                description = EXCLUDED.description, stripe_product_id = EXCLUDED.stripe_product_id,
                is_default = coalesce(\(edit.isDefault), subscription_plan.is_default),
                is_active = EXCLUDED.is_active OR coalesce(\(edit.isDefault), subscription_plan.is_default),
                sort_order = coalesce(\(edit.sortOrder), subscription_plan.sort_order),
                rollover_cap = EXCLUDED.rollover_cap,
                brand_limit = CASE WHEN \(limitGiven) THEN EXCLUDED.brand_limit ELSE subscription_plan.brand_limit END
            """, logger: logger)
    }

    /// Before another plan becomes the default: only one plan may be (a unique index says so too).
    func clearDefault(except code: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE subscription_plan SET is_default = false WHERE is_default AND plan_code <> \(code)", logger: logger)
    }

    func upsertTopup(_ sku: String, _ edit: TopupEdit, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO topup_plan (topup_sku, display_name, tokens_amount, stripe_product_id, is_active, sort_order)
            VALUES (\(sku), \(edit.displayName), \(edit.tokensAmount), \(edit.stripeProductID), \(edit.isActive ?? true), \(edit.sortOrder ?? 100))
            ON CONFLICT (topup_sku) DO UPDATE SET display_name = EXCLUDED.display_name, tokens_amount = EXCLUDED.tokens_amount,
                stripe_product_id = EXCLUDED.stripe_product_id, is_active = EXCLUDED.is_active,
                sort_order = coalesce(\(edit.sortOrder), topup_plan.sort_order)
            """, logger: logger)
    }
}
