import Core
import Foundation
public import Logging
public import PostgresNIO

/// The active `generation_pricing` rule and how it prices a job.
///
/// `rules` JSON (all keys optional):
/// `{"multi_format_discount_percent": 20, "variants_per_format": 5, "archetype_overrides": {"meme": {"base_cost_tokens": 30}}}`.
/// `variants_per_format` (1 to 10, 1 when absent) is how many different ads a job makes of each
/// format for its price: the price and what it buys are one rule.
public struct PricingRule: Sendable, Equatable, Codable {
    public enum Strategy: String, Sendable, Codable {
        case staticPrice = "STATIC"
        case perFormat = "PER_FORMAT"
        case perAd = "PER_AD"
    }

    public let id: Int64
    public let name: String
    public let strategy: Strategy
    public let baseCostTokens: Int64
    public let version: Int
    public let multiFormatDiscountPercent: Int
    public let archetypeBaseCosts: [String: Int64]
    public let variantsPerFormat: Int
    public static let variantsRange = 1...10

    public init(
        id: Int64, name: String, strategy: Strategy, baseCostTokens: Int64, version: Int, multiFormatDiscountPercent: Int,
        archetypeBaseCosts: [String: Int64], variantsPerFormat: Int = 1
    ) {
        self.variantsPerFormat = min(max(variantsPerFormat, Self.variantsRange.lowerBound), Self.variantsRange.upperBound)
        self.id = id
        self.name = name
        self.strategy = strategy
        self.baseCostTokens = baseCostTokens
        self.version = version
        self.multiFormatDiscountPercent = multiFormatDiscountPercent
        self.archetypeBaseCosts = archetypeBaseCosts
    }

    /// What a job costs: `formats` requested, `expectedAds` it will produce, for `archetype`.
    /// Checked arithmetic throughout: a price above `Bounds.maxTokens` is refused, never wrapped.
    public func price(formats: Int, expectedAds: Int, archetype: String?) throws -> Int64 {
        let base = archetype.flatMap { archetypeBaseCosts[$0] } ?? baseCostTokens
        let price: Int64?
        switch strategy {
        case .staticPrice:
            price = base
        case .perFormat:
            let full = base.checkedMultiply(Int64(max(formats, 1)))
            if formats > 1, multiFormatDiscountPercent > 0, let full {
                // Rounded down: a fraction of a token goes the user's way.
                price = full.checkedMultiply(Int64(100 - min(multiFormatDiscountPercent, 100))).map { $0 / 100 }
            } else {
                price = full
            }
        case .perAd:
            price = base.checkedMultiply(Int64(max(expectedAds, 1)))
        }
        guard let price, (0...Bounds.maxTokens).contains(price) else {
            throw AppError.validation(["expected_ads": "makes a price above \(Bounds.maxTokens) tokens"])
        }
        return price
    }

    enum CodingKeys: String, CodingKey {
        case id, name, strategy, version
        case baseCostTokens = "base_cost_tokens"
        case multiFormatDiscountPercent = "multi_format_discount_percent"
        case archetypeBaseCosts = "archetype_base_costs"
        case variantsPerFormat = "variants_per_format"
    }
}

/// Reads the active rule.
public struct PricingStore: Sendable {
    public init() {}

    public func activeRule(on connection: PostgresConnection, logger: Logger) async throws -> PricingRule {
        let rows = try await connection.query(
            "SELECT id, name, strategy, base_cost_tokens, version, coalesce(rules, '{}')::text FROM generation_pricing WHERE is_active",
            logger: logger
        ).collect()
        guard let row = rows.first else { throw AppError.unavailable(code: "PRICING_NOT_CONFIGURED", detail: "No active pricing rule; an admin must activate one.") }
        let (id, name, strategy, base, version, rulesText) = try row.decode((Int64, String, String, Int64, Int, String).self)
        let rules = (try? JSONSerialization.jsonObject(with: Data(rulesText.utf8))) as? [String: Any] ?? [:]
        var overrides: [String: Int64] = [:]
        for (code, value) in rules["archetype_overrides"] as? [String: Any] ?? [:] {
            // A negative or huge override would credit tokens or overflow; such rows are ignored.
            if let cost = (value as? [String: Any])?["base_cost_tokens"] as? Int, let tokens = Bounds.tokens(Int64(cost)), tokens >= 0 {
                overrides[code] = tokens
            }
        }
        return PricingRule(
            id: id, name: name, strategy: PricingRule.Strategy(rawValue: strategy) ?? .staticPrice, baseCostTokens: base, version: version,
            multiFormatDiscountPercent: min(max(rules["multi_format_discount_percent"] as? Int ?? 0, 0), 100), archetypeBaseCosts: overrides,
            variantsPerFormat: rules["variants_per_format"] as? Int ?? 1)
    }

    /// Deactivates the current rule and inserts `edit` as the next version, active.
    func activate(_ edit: PricingRuleEdit, on connection: PostgresConnection, logger: Logger) async throws {
        var rules: [String: Any] = ["multi_format_discount_percent": edit.multiFormatDiscountPercent ?? 0, "variants_per_format": edit.variantsPerFormat ?? 1]
        rules["archetype_overrides"] = (edit.archetypeBaseCosts ?? [:]).mapValues { ["base_cost_tokens": $0] }
        let rulesText = String(decoding: try JSONSerialization.data(withJSONObject: rules, options: [.sortedKeys]), as: UTF8.self)
        try await connection.query("UPDATE generation_pricing SET is_active = false WHERE is_active", logger: logger)
        try await connection.query(
            """
            INSERT INTO generation_pricing (name, strategy, base_cost_tokens, rules, is_active, version)
            VALUES (\(edit.name), \(edit.strategy.rawValue), \(edit.baseCostTokens), \(rulesText)::jsonb, true,
                    (SELECT coalesce(max(version), 0) + 1 FROM generation_pricing))
            """, logger: logger)
    }
}
