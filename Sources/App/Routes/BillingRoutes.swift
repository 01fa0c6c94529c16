import Accounts
import Audit
public import Billing
import Core
import Database
import Foundation
import Generation
import HTTPTypes
public import Hummingbird
import PostgresNIO

/// Plans, top-ups, the caller's tokens and ledger, price quotes, admin adjustments, and the
/// payment endpoints (answering `PAYMENTS_NOT_CONFIGURED` until Stripe is configured).
struct BillingRoutes: Sendable {
    let client: PostgresClient
    /// Quotes are computed by the code that charges.
    let jobs: JobService
    let stripe: StripeBilling?
    let prices: StripePrices?
    let planStore = PlanStore()
    let accounts = TokenAccountStore()
    var catalog: CatalogService { CatalogService(client: client) }

    struct Items<Item: Encodable & Sendable>: ResponseEncodable {
        let items: [Item]
        let paymentsEnabled: Bool
        enum CodingKeys: String, CodingKey {
            case items
            case paymentsEnabled = "payments_enabled"
        }
    }

    struct QuoteRequest: Decodable {
        let formats: [String]?
        let archetypeCode: String?
        let expectedAds: Int?
        enum CodingKeys: String, CodingKey {
            case formats
            case archetypeCode = "archetype_code"
            case expectedAds = "expected_ads"
        }
    }

    struct Quote: ResponseEncodable {
        let price: Int64
        let balance: Int64
        let formats: [String]
        let expectedAds: Int
        let rule: RuleSummary
        enum CodingKeys: String, CodingKey {
            case price, balance, formats, rule
            case expectedAds = "expected_ads"
        }
    }

    struct RuleSummary: Encodable {
        let id: Int64
        let version: Int
        let strategy: String
    }

    struct CheckoutRequest: Decodable {
        let planCode: String?
        let topupSKU: String?
        enum CodingKeys: String, CodingKey {
            case planCode = "plan_code"
            case topupSKU = "topup_sku"
        }
    }

    struct URLBody: ResponseEncodable {
        let url: String
    }

    struct Adjustment: Decodable {
        let delta: Int64
        let note: String?
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("api/v1/plans") { _, context -> Items<PlanStore.Plan> in
            var plans = try await client.withConnection { try await planStore.activePlans(on: $0, logger: context.logger) }
            if let prices {
                for index in plans.indices {
                    if let product = plans[index].stripeProductID { plans[index].price = await prices.price(forProduct: product) }
                }
            }
            return Items(items: plans, paymentsEnabled: stripe != nil)
        }
        router.get("api/v1/topups") { _, context -> Items<PlanStore.Topup> in
            var topups = try await client.withConnection { try await planStore.activeTopups(on: $0, logger: context.logger) }
            if let prices {
                for index in topups.indices {
                    if let product = topups[index].stripeProductID { topups[index].price = await prices.price(forProduct: product) }
                }
            }
            return Items(items: topups, paymentsEnabled: stripe != nil)
        }

        let signedIn = router.group("api/v1", context: AuthenticatedContext.self)
        signedIn.get("tokens") { _, context -> TokenSummary in
            guard let summary = try await client.withConnection({ try await accounts.summary(for: context.identity.user.id, on: $0, logger: context.logger) })
            else { throw AppError.notFound("Token account") }
            return summary
        }
        signedIn.get("tokens/ledger") { request, context -> Page<LedgerEntry> in
            let limit = try request.listLimit(default: 50, maximum: 200)
            var before: Int64?
            if let cursor = request.uri.queryParameters["cursor"] {
                guard cursor.utf8.count <= 20, let id = Int64(String(cursor)), id > 0 else { throw AppError.invalidCursor }
                before = id
            }
            let entries = try await client.withConnection { [before] connection in
                try await TokenLedger().page(for: context.identity.user.id, beforeID: before, limit: limit + 1, on: connection, logger: context.logger)
            }
            let items = Array(entries.prefix(limit))
            return Page(items: items, nextCursor: entries.count > limit ? items.last.map { String($0.id) } : nil)
        }
        signedIn.post("pricing/quote") { request, context -> Quote in
            let body = try await request.decode(as: QuoteRequest.self, context: context)
            if let code = body.archetypeCode, code.count > 64 { throw AppError.validation(["archetype_code": "must be at most 64 characters"]) }
            let quote = try await jobs.quote(formats: body.formats, archetypeCode: body.archetypeCode, expectedAds: body.expectedAds, logger: context.logger)
            let summary = try await client.withConnection { try await accounts.summary(for: context.identity.user.id, on: $0, logger: context.logger) }
            return Quote(
                price: quote.price, balance: summary?.balance ?? 0, formats: quote.formats, expectedAds: quote.expectedAds,
                rule: RuleSummary(id: quote.rule.id, version: quote.rule.version, strategy: quote.rule.strategy.rawValue))
        }
        signedIn.post("billing/checkout") { request, context -> URLBody in
            let stripe = try requireStripe()
            let body = try await request.decode(as: CheckoutRequest.self, context: context)
            let purchase: StripeBilling.Purchase
            switch (body.planCode, body.topupSKU) {
            case (let plan?, nil): purchase = .plan(plan)
            case (nil, let sku?): purchase = .topup(sku)
            default: throw AppError.validation(["plan_code": "give exactly one of plan_code and topup_sku"])
            }
            let user = context.identity.user
            return URLBody(url: try await stripe.checkoutURL(userID: user.id, email: user.email, purchase: purchase, logger: context.logger))
        }
        signedIn.post("billing/portal") { _, context -> URLBody in
            let user = context.identity.user
            return URLBody(url: try await requireStripe().portalURL(userID: user.id, email: user.email, logger: context.logger))
        }
        signedIn.post("billing/cancel") { _, context -> HTTPResponse.Status in
            try await requireStripe().setCancelAtPeriodEnd(userID: context.identity.user.id, true, logger: context.logger)
            return .accepted
        }
        signedIn.post("billing/resume") { _, context -> HTTPResponse.Status in
            try await requireStripe().setCancelAtPeriodEnd(userID: context.identity.user.id, false, logger: context.logger)
            return .accepted
        }

        let adminCatalog = router.group("api/v1/admin", context: AdminContext.self)
        adminCatalog.put("plans/{code}") { request, context -> Items<PlanStore.Plan> in
            let edit = try await request.decode(as: PlanEdit.self, context: context)
            return Items(items: try await catalog.putPlan(try context.parameters.require("code"), edit, actor: context.actor, logger: context.logger), paymentsEnabled: stripe != nil)
        }
        adminCatalog.put("topups/{sku}") { request, context -> Items<PlanStore.Topup> in
            let edit = try await request.decode(as: TopupEdit.self, context: context)
            return Items(items: try await catalog.putTopup(try context.parameters.require("sku"), edit, actor: context.actor, logger: context.logger), paymentsEnabled: stripe != nil)
        }
        adminCatalog.post("pricing") { request, context -> PricingRule in
            try await catalog.activate(try await request.decode(as: PricingRuleEdit.self, context: context), actor: context.actor, logger: context.logger)
        }

        let admin = router.group("api/v1/admin/users", context: AdminContext.self)
        admin.post("{id}/tokens") { request, context -> LedgerEntry in
            let userID = try context.parameters.require("id", as: UUID.self)
            let body = try await request.decode(as: Adjustment.self, context: context)
            // A client retry with the same Idempotency-Key applies once.
            let key = request.headers[HTTPField.Name("Idempotency-Key")!] ?? UUID().uuidString
            return try await TokenAdjustments(client: client).adjust(
                userID: userID, delta: body.delta, note: body.note, key: key, actor: context.actor, logger: context.logger)
        }
    }
}

extension BillingRoutes {
    func requireStripe() throws -> StripeBilling { try stripe.requiredForPayments() }
}

extension Optional where Wrapped == StripeBilling {
    /// Stripe, or the 503 that says payments are not set up here.
    func requiredForPayments() throws -> StripeBilling {
        guard let stripe = self else {
            throw AppError.unavailable(
                code: "PAYMENTS_NOT_CONFIGURED", detail: "Payments are not configured on this installation; an admin can grant tokens instead.")
        }
        return stripe
    }
}

extension TokenSummary: ResponseEncodable {}
extension PricingRule: ResponseEncodable {}
extension LedgerEntry: ResponseEncodable {}
