import Core
import Foundation

/// What an admin sends to change the catalogue (plans, top-ups, the pricing rule), and the rules
/// each edit must satisfy before any row changes.
public struct PlanEdit: Decodable, Sendable {
    public let displayName: String
    public let monthlyTokens: Int64
    public let description: [String]?
    public let stripeProductID: String?
    public let isActive: Bool?
    public let sortOrder: Int?
    public let rolloverCap: Int64?
    /// True makes this the plan new accounts join (and the previous default an ordinary plan).
    public let isDefault: Bool?
    /// Absent: unchanged; null: unlimited; a number: that many live brands.
    public let brandLimit: Int??

    enum CodingKeys: String, CodingKey {
        case description
        case displayName = "display_name"
        case monthlyTokens = "monthly_tokens"
        case stripeProductID = "stripe_product_id"
        case isActive = "is_active"
        case sortOrder = "sort_order"
        case rolloverCap = "rollover_cap"
        case isDefault = "is_default"
        case brandLimit = "brand_limit"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        displayName = try c.decode(String.self, forKey: .displayName)
        monthlyTokens = try c.decode(Int64.self, forKey: .monthlyTokens)
        description = try c.decodeIfPresent([String].self, forKey: .description)
        stripeProductID = try c.decodeIfPresent(String.self, forKey: .stripeProductID)
        isActive = try c.decodeIfPresent(Bool.self, forKey: .isActive)
        sortOrder = try c.decodeIfPresent(Int.self, forKey: .sortOrder)
        rolloverCap = try c.decodeIfPresent(Int64.self, forKey: .rolloverCap)
        isDefault = try c.decodeIfPresent(Bool.self, forKey: .isDefault)
        // A double optional: an absent key leaves the limit alone, null lifts it.
        brandLimit = c.contains(.brandLimit) ? .some(try c.decodeIfPresent(Int.self, forKey: .brandLimit)) : .none
    }
}

public struct TopupEdit: Decodable, Sendable {
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

public struct PricingRuleEdit: Decodable, Sendable {
    public let name: String
    public let strategy: PricingRule.Strategy
    public let baseCostTokens: Int64
    public let multiFormatDiscountPercent: Int?
    public let archetypeBaseCosts: [String: Int64]?
    public let variantsPerFormat: Int?

    enum CodingKeys: String, CodingKey {
        case name, strategy
        case baseCostTokens = "base_cost_tokens"
        case multiFormatDiscountPercent = "multi_format_discount_percent"
        case archetypeBaseCosts = "archetype_base_costs"
        case variantsPerFormat = "variants_per_format"
    }
}

extension PlanEdit {
    /// Every invalid field of a plan edit for `code`; empty when it may be saved.
    func problems(code: String) -> [String: String] {
        var problems: [String: String] = [:]
        if !CatalogCode.isValid(code) { problems["plan_code"] = CatalogCode.rule }
        if !(0...Bounds.maxTokens).contains(monthlyTokens) { problems["monthly_tokens"] = "must be 0 to \(Bounds.maxTokens)" }
        if !(0...Bounds.maxTokens).contains(rolloverCap ?? 0) { problems["rollover_cap"] = "must be 0 to \(Bounds.maxTokens)" }
        CatalogCode.checkListing(displayName: displayName, sortOrder: sortOrder, into: &problems)
        if let limit = brandLimit ?? nil, !(0...1_000_000).contains(limit) { problems["brand_limit"] = "must be 0 to 1000000, or null for unlimited" }
        if isDefault == true && isActive == false { problems["is_active"] = "the default plan must be active" }
        if let product = stripeProductID, product.count > 200 { problems["stripe_product_id"] = "must be at most 200 characters" }
        if let lines = description, lines.count > 20 || lines.contains(where: { $0.count > 300 }) {
            problems["description"] = "must be at most 20 lines of at most 300 characters"
        }
        return problems
    }
}

extension TopupEdit {
    func problems(sku: String) -> [String: String] {
        var problems: [String: String] = [:]
        if !CatalogCode.isValid(sku) { problems["topup_sku"] = CatalogCode.rule }
        if !(1...Bounds.maxTokens).contains(tokensAmount) { problems["tokens_amount"] = "must be 1 to \(Bounds.maxTokens)" }
        CatalogCode.checkListing(displayName: displayName, sortOrder: sortOrder, into: &problems)
        return problems
    }
}

extension PricingRuleEdit {
    func problems() -> [String: String] {
        var problems: [String: String] = [:]
        if !(0...Bounds.maxTokens).contains(baseCostTokens) { problems["base_cost_tokens"] = "must be 0 to \(Bounds.maxTokens)" }
        if name.trimmingWhitespace().isEmpty || name.count > 100 { problems["name"] = "must be 1 to 100 characters" }
        for (code, cost) in archetypeBaseCosts ?? [:] where !(0...Bounds.maxTokens).contains(cost) || code.count > 64 {
            // A negative archetype cost would credit tokens on every job.
            problems["archetype_base_costs.\(code.prefix(64))"] = "must be 0 to \(Bounds.maxTokens)"
        }
        if let discount = multiFormatDiscountPercent, !(0...100).contains(discount) {
            problems["multi_format_discount_percent"] = "must be 0 to 100"
        }
        if let variants = variantsPerFormat, !PricingRule.variantsRange.contains(variants) {
            problems["variants_per_format"] = "must be 1 to 10"
        }
        return problems
    }
}

/// Plan codes and top-up SKUs: `FREE`, `TOPUP_500`, …
enum CatalogCode {
    static let rule = "use 1 to 32 of A-Z, 0-9 and _"

    /// What plans and top-ups share: a shown name and a place in the list.
    static func checkListing(displayName: String, sortOrder: Int?, into problems: inout [String: String]) {
        if displayName.count > 100 { problems["display_name"] = "must be at most 100 characters" }
        if !(0...1_000_000).contains(sortOrder ?? 0) { problems["sort_order"] = "must be 0 to 1000000" }
        if displayName.trimmingWhitespace().isEmpty { problems["display_name"] = "is required" }
    }

    static func isValid(_ code: String) -> Bool {
        (1...32).contains(code.count) && code.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
