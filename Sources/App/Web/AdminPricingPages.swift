import Audit
import Billing
import Core
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// A new pricing version: the form on the catalogue page posts to a preview that prices sample
/// jobs under the current rule and the proposed one; only the preview's confirmed form saves it,
/// as the next version (`CatalogService.activate`, audited).
extension WebPages {
    func registerAdminPricing(on router: Router<AppRequestContext>) {
        router.post("admin/catalogue/pricing/preview") { request, context -> Response in
            let identity = try admin(request, context)
            let form = try await WebForm.read(request, context: context)
            try CSRF.check(form, session: identity.token)
            let proposed = try AdminPricingPage.edit(form)
            let current = try? await client.withConnection { try await PricingStore().activeRule(on: $0, logger: context.logger) }
            var page = try await adminChrome(identity, request, title: "New pricing version", section: "/admin/catalogue", logger: context.logger)
            page.merge(try AdminPricingPage.preview(proposed, current: current)) { $1 }
            return try renderer.page("admin_pricing", page)
        }
        router.post("admin/catalogue/pricing") { request, context -> Response in
            let (actor, form) = try await confirmedPost(request, context)
            _ = try await CatalogService(client: client).activate(try AdminPricingPage.edit(form), actor: actor, logger: context.logger)
            return redirect("/admin/catalogue?done=pricing")
        }
    }
}

enum AdminPricingPage {
    static let strategies: [(PricingRule.Strategy, String)] = [(.staticPrice, "One price per job"), (.perFormat, "Per format"), (.perAd, "Per ad")]

    /// The rule's values as the pricing form shows them.
    static func ruleContext(_ rule: PricingRule, version: Int? = nil) -> [String: Any] {
        var context: [String: Any] = [
            "ruleName": rule.name, "ruleVersion": version ?? rule.version, "base": rule.baseCostTokens, "discount": rule.multiFormatDiscountPercent, "variants": rule.variantsPerFormat,
            "strategies": strategies.map { ["code": $0.0.rawValue, "label": $0.1, "selected": $0.0 == rule.strategy] as [String: Any] },
            "strategyLabel": strategies.first { $0.0 == rule.strategy }?.1 ?? rule.strategy.rawValue,
        ]
        // Only when there are some: an empty string would count as present in a template.
        if !rule.archetypeBaseCosts.isEmpty {
            context["costs"] = rule.archetypeBaseCosts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        }
        return context
    }

    /// The pricing form as the service's edit (its rules are checked by the service).
    static func edit(_ form: WebForm) throws -> PricingRuleEdit {
        var costs: [String: Int64] = [:]
        for pair in (form["costs"] ?? "").split(separator: ",") where !pair.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let cost = Int64(parts[1]), !parts[0].isEmpty else {
                throw AppError.validation(["costs": "write archetype=tokens pairs separated by commas, e.g. meme=30, testimonial=20"])
            }
            costs[parts[0]] = cost
        }
        var fields: [String: Any] = [
            "name": form["name"] ?? "", "strategy": form["strategy"] ?? "", "archetype_base_costs": costs,
            "base_cost_tokens": try AdminCataloguePage.number(form["base_cost_tokens"], "base_cost_tokens"),
        ]
        if let variants = form["variants_per_format"], !variants.isEmpty {
            fields["variants_per_format"] = try AdminCataloguePage.number(variants, "variants_per_format")
        }
        if let discount = form["multi_format_discount_percent"], !discount.isEmpty {
            fields["multi_format_discount_percent"] = try AdminCataloguePage.number(discount, "multi_format_discount_percent")
        }
        return try AdminCataloguePage.edit(fields)
    }

    /// Sample jobs priced both ways, and the proposed rule's fields for the saving form.
    static func preview(_ edit: PricingRuleEdit, current: PricingRule?) throws -> [String: Any] {
        let proposed = PricingRule(
            id: 0, name: edit.name, strategy: edit.strategy, baseCostTokens: edit.baseCostTokens, version: (current?.version ?? 0) + 1,
            multiFormatDiscountPercent: edit.multiFormatDiscountPercent ?? 0, archetypeBaseCosts: edit.archetypeBaseCosts ?? [:],
            variantsPerFormat: edit.variantsPerFormat ?? 1)
        let archetypes: [String?] = [nil] + proposed.archetypeBaseCosts.keys.sorted().map { $0 }
        var quotes: [[String: Any]] = []
        for archetype in archetypes {
            for formats in [1, 2, 4] {
                // Each rule prices the ads it makes itself: formats × its ideas per format.
                func quote(_ rule: PricingRule?) -> String {
                    guard let rule, let price = try? rule.price(formats: formats, expectedAds: formats * rule.variantsPerFormat, archetype: archetype)
                    else { return "none" }
                    return "\(price) for \(formats * rule.variantsPerFormat) ads"
                }
                quotes.append([
                    "job": "\(formats) format\(formats == 1 ? "" : "s")", "archetype": archetype ?? "any other", "now": quote(current), "then": quote(proposed),
                ])
            }
        }
        var page = ruleContext(proposed, version: proposed.version)
        page["quotes"] = quotes
        return page
    }
}
