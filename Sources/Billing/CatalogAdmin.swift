import Core
import Database
public import Foundation
public import Logging
public import PostgresNIO

/// Admin edits of plans, top-ups and pricing rules.
public struct CatalogAdmin: Sendable {
    public init() {}

    public struct PlanInput: Decodable, Sendable {
        public let displayName: String
        public let monthlyTokens: Int64
        public let description: [String]?
        public let stripeProductID: String?
        public let isActive: Bool?
        public let sortOrder: Int?
        public let rolloverCap: Int64?

        enum CodingKeys: String, CodingKey {
            case description
            case displayName = "display_name"
            case monthlyTokens = "monthly_tokens"
            case stripeProductID = "stripe_product_id"
            case isActive = "is_active"
            case sortOrder = "sort_order"
            case rolloverCap = "rollover_cap"
        }
    }

    public struct TopupInput: Decodable, Sendable {
        public let displayName: String
        public let tokensAmount: Int64
        public let stripeProductID: String?
        public let isActive: Bool?
        public let sortOrder: Int?

        enum CodingKeys: String, CodingKey {
            case displayName = "display_name"
            case tokensAmount = "tokens_amount"
            case stripeProductID = "stripe_product_id"
            case isActive = "is_active"
            case sortOrder = "sort_order"
        }
    }

    public struct RuleInput: Decodable, Sendable {
        public let name: String
        public let strategy: PricingRule.Strategy
        public let baseCostTokens: Int64
        public let multiFormatDiscountPercent: Int?
        public let archetypeBaseCosts: [String: Int64]?

        enum CodingKeys: String, CodingKey {
            case name, strategy
            case baseCostTokens = "base_cost_tokens"
            case multiFormatDiscountPercent = "multi_format_discount_percent"
            case archetypeBaseCosts = "archetype_base_costs"
        }
    }

    /// Creates or replaces a plan (`is_active: false` retires it; the default plan stays active).
    public func putPlan(_ code: String, _ input: PlanInput, on connection: PostgresConnection, logger: Logger) async throws {
        var problems: [String: String] = [:]
        if !Self.isCatalogCode(code) { problems["plan_code"] = Self.catalogCodeRule }
        if !(0...Bounds.maxTokens).contains(input.monthlyTokens) { problems["monthly_tokens"] = "must be 0 to \(Bounds.maxTokens)" }
        if !(0...Bounds.maxTokens).contains(input.rolloverCap ?? 0) { problems["rollover_cap"] = "must be 0 to \(Bounds.maxTokens)" }
        if input.displayName.count > 100 { problems["display_name"] = "must be at most 100 characters" }
        if !(0...1_000_000).contains(input.sortOrder ?? 0) { problems["sort_order"] = "must be 0 to 1000000" }
        if input.displayName.trimmingWhitespace().isEmpty { problems["display_name"] = "is required" }
        guard problems.isEmpty else { throw AppError.validation(problems) }
        let description = String(decoding: try JSONEncoder().encode(input.description ?? []), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO subscription_plan (plan_code, display_name, monthly_tokens, description, stripe_product_id, is_active, sort_order, rollover_cap)
            VALUES (\(code), \(input.displayName), \(input.monthlyTokens), \(description)::jsonb, \(input.stripeProductID),
                    \(input.isActive ?? true), \(input.sortOrder ?? 100), \(input.rolloverCap))
            ON CONFLICT (plan_code) DO UPDATE SET display_name = EXCLUDED.display_name, monthly_tokens = EXCLUDED.monthly_tokens,
                description = EXCLUDED.description, stripe_product_id = EXCLUDED.stripe_product_id,
                is_active = EXCLUDED.is_active OR subscription_plan.is_default, sort_order = EXCLUDED.sort_order,
                rollover_cap = EXCLUDED.rollover_cap
            """, logger: logger)
    }

    public func putTopup(_ sku: String, _ input: TopupInput, on connection: PostgresConnection, logger: Logger) async throws {
        var problems: [String: String] = [:]
        if !Self.isCatalogCode(sku) { problems["topup_sku"] = Self.catalogCodeRule }
        if !(1...Bounds.maxTokens).contains(input.tokensAmount) { problems["tokens_amount"] = "must be 1 to \(Bounds.maxTokens)" }
        if input.displayName.count > 100 { problems["display_name"] = "must be at most 100 characters" }
        if !(0...1_000_000).contains(input.sortOrder ?? 0) { problems["sort_order"] = "must be 0 to 1000000" }
        if input.displayName.trimmingWhitespace().isEmpty { problems["display_name"] = "is required" }
        guard problems.isEmpty else { throw AppError.validation(problems) }
        try await connection.query(
            """
            INSERT INTO topup_plan (topup_sku, display_name, tokens_amount, stripe_product_id, is_active, sort_order)
            VALUES (\(sku), \(input.displayName), \(input.tokensAmount), \(input.stripeProductID), \(input.isActive ?? true), \(input.sortOrder ?? 100))
            ON CONFLICT (topup_sku) DO UPDATE SET display_name = EXCLUDED.display_name, tokens_amount = EXCLUDED.tokens_amount,
                stripe_product_id = EXCLUDED.stripe_product_id, is_active = EXCLUDED.is_active, sort_order = EXCLUDED.sort_order
            """, logger: logger)
    }

    static let catalogCodeRule = "use 1 to 32 of A-Z, 0-9 and _"

    /// Plan codes and top-up SKUs: `FREE`, `TOPUP_500`, …
    static func isCatalogCode(_ code: String) -> Bool {
        (1...32).contains(code.count) && code.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Makes a new rule the active one, as the next version. Jobs keep the price they were
    /// created with (`generation_job.tokens_cost`), so nothing already bought changes.
    public func activateRule(_ input: RuleInput, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        var problems: [String: String] = [:]
        if !(0...Bounds.maxTokens).contains(input.baseCostTokens) { problems["base_cost_tokens"] = "must be 0 to \(Bounds.maxTokens)" }
        if input.name.trimmingWhitespace().isEmpty || input.name.count > 100 { problems["name"] = "must be 1 to 100 characters" }
        for (code, cost) in input.archetypeBaseCosts ?? [:] where !(0...Bounds.maxTokens).contains(cost) || code.count > 64 {
            // A negative archetype cost would credit tokens on every job.
            problems["archetype_base_costs.\(code.prefix(64))"] = "must be 0 to \(Bounds.maxTokens)"
        }
        if let discount = input.multiFormatDiscountPercent, !(0...100).contains(discount) {
            problems["multi_format_discount_percent"] = "must be 0 to 100"
        }
        guard problems.isEmpty else { throw AppError.validation(problems) }
        var rules: [String: Any] = ["multi_format_discount_percent": input.multiFormatDiscountPercent ?? 0]
        rules["archetype_overrides"] = (input.archetypeBaseCosts ?? [:]).mapValues { ["base_cost_tokens": $0] }
        let rulesText = String(decoding: try JSONSerialization.data(withJSONObject: rules, options: [.sortedKeys]), as: UTF8.self)
        try await connection.query("UPDATE generation_pricing SET is_active = false WHERE is_active", logger: logger)
        return try await connection.query(
            """
            INSERT INTO generation_pricing (name, strategy, base_cost_tokens, rules, is_active, version)
            VALUES (\(input.name), \(input.strategy.rawValue), \(input.baseCostTokens), \(rulesText)::jsonb, true,
                    (SELECT coalesce(max(version), 0) + 1 FROM generation_pricing))
            RETURNING id
            """, logger: logger
        ).collect()[0].decode(Int64.self)
    }
}
