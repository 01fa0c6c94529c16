import Audit
import Billing
import Core
import Foundation
import Generation
import Hummingbird
import Logging
import PostgresNIO

/// `/admin/catalogue`: plans, top-ups, the pricing rule, archetypes and workflows, each edited
/// through the catalogue services the admin API uses (every save is audited there). A form
/// saves only with its "confirm" box ticked; a new pricing version is shown with sample quotes
/// before it is saved (`AdminPricingPages`).
extension WebPages {
    func registerAdminCatalogue(on router: Router<AppRequestContext>) {
        router.get("admin/catalogue") { request, context -> Response in
            let identity = try admin(request, context)
            let (plans, topups, rule) = try await client.withConnection { connection in
                (
                    try await PlanStore().activePlans(on: connection, logger: context.logger),
                    try await PlanStore().activeTopups(on: connection, logger: context.logger),
                    try? await PricingStore().activeRule(on: connection, logger: context.logger)
                )
            }
            let archetypes = try await WorkflowCatalog(client: client).archetypes(logger: context.logger)
            var page = try await adminChrome(identity, request, title: "Catalogue", section: "/admin/catalogue", logger: context.logger)
            page.merge(AdminCataloguePage.context(plans: plans, topups: topups, rule: rule, archetypes: archetypes)) { $1 }
            return try renderer.page("admin_catalogue", page)
        }
        router.post("admin/catalogue/plans") { request, context -> Response in
            let (actor, form) = try await confirmedPost(request, context)
            let code = form["code"] ?? ""
            let existing = try await client.withConnection { try await PlanStore().plan(code, on: $0, logger: context.logger) }
            // The fields the form does not show keep their values: a save replaces the whole plan.
            var fields = try AdminCataloguePage.fields(of: existing)
            fields["display_name"] = form["display_name"] ?? ""
            fields["monthly_tokens"] = try AdminCataloguePage.number(form["monthly_tokens"], "monthly_tokens")
            if let limit = form["brand_limit"], !limit.isEmpty {
                fields["brand_limit"] = try AdminCataloguePage.number(limit, "brand_limit")
            } else {
                fields["brand_limit"] = NSNull()  // unlimited
            }
            fields["is_active"] = form["is_active"] == "yes"
            _ = try await CatalogService(client: client).putPlan(code, try AdminCataloguePage.edit(fields), actor: actor, logger: context.logger)
            return redirect("/admin/catalogue?done=saved")
        }
        router.post("admin/catalogue/topups") { request, context -> Response in
            let (actor, form) = try await confirmedPost(request, context)
            let sku = form["sku"] ?? ""
            let existing = try await client.withConnection { try await PlanStore().topup(sku, on: $0, logger: context.logger) }
            var fields = try AdminCataloguePage.fields(of: existing)
            fields["display_name"] = form["display_name"] ?? ""
            fields["tokens_amount"] = try AdminCataloguePage.number(form["tokens_amount"], "tokens_amount")
            fields["is_active"] = form["is_active"] == "yes"
            _ = try await CatalogService(client: client).putTopup(sku, try AdminCataloguePage.edit(fields), actor: actor, logger: context.logger)
            return redirect("/admin/catalogue?done=saved")
        }
        router.post("admin/catalogue/archetypes") { request, context -> Response in
            let (actor, form) = try await confirmedPost(request, context)
            var fields: [String: Any] = ["code": form["code"] ?? "", "display_name": form["display_name"] ?? "", "is_active": form["is_active"] == "yes"]
            if let description = form["description"], !description.isEmpty { fields["description"] = description }
            let edit: ArchetypeEdit = try AdminCataloguePage.edit(fields)
            _ = try await WorkflowCatalog(client: client).createArchetype(edit, actor: actor, logger: context.logger)
            return redirect("/admin/catalogue?done=saved")
        }
        router.post("admin/catalogue/archetypes/{code}") { request, context -> Response in
            let (actor, form) = try await confirmedPost(request, context)
            let edit: ArchetypeEdit = try AdminCataloguePage.edit(["is_active": form["is_active"] == "yes"])
            _ = try await WorkflowCatalog(client: client).updateArchetype(
                context.parameters.get("code") ?? "", edit, actor: actor, logger: context.logger)
            return redirect("/admin/catalogue?done=saved")
        }
        router.post("admin/catalogue/workflows") { request, context -> Response in
            let (actor, form) = try await confirmedPost(request, context)
            var fields: [String: Any] = [
                "archetype_code": form["archetype_code"] ?? "", "path": form["path"] ?? "", "variant_key": form["variant_key"] ?? "",
            ]
            if let format = form["format"], !format.isEmpty { fields["format"] = format }
            let edit: WorkflowEdit = try AdminCataloguePage.edit(fields)
            _ = try await WorkflowCatalog(client: client).createWorkflow(edit, actor: actor, logger: context.logger)
            return redirect("/admin/catalogue?done=saved")
        }
        router.post("admin/catalogue/workflows/{id}") { request, context -> Response in
            let (actor, form) = try await confirmedPost(request, context)
            let edit: WorkflowEdit = try AdminCataloguePage.edit(["is_active": form["is_active"] == "yes"])
            _ = try await WorkflowCatalog(client: client).updateWorkflow(try Self.pathID(context), edit, actor: actor, logger: context.logger)
            return redirect("/admin/catalogue?done=saved")
        }
        registerAdminPricing(on: router)
    }

    /// An admin's post whose "confirm" box is ticked: a catalogue change is never one stray click.
    func confirmedPost(_ request: Request, _ context: AppRequestContext) async throws -> (AuditActor, WebForm) {
        let (actor, form) = try await adminPost(request, context)
        guard form["confirm"] == "yes" else { throw AppError.validation(["confirm": "tick the box to confirm the change"]) }
        return (actor, form)
    }
}

/// What the catalogue page shows, and forms turned into the services' edits.
enum AdminCataloguePage {
    static func context(plans: [PlanStore.Plan], topups: [PlanStore.Topup], rule: PricingRule?, archetypes: [AdminArchetype]) -> [String: Any] {
        var page: [String: Any] = [
            "plans": plans.map { plan -> [String: Any] in
                var row: [String: Any] = ["code": plan.planCode, "name": plan.displayName, "tokens": plan.monthlyTokens, "isDefault": plan.isDefault]
                if let limit = plan.brandLimit { row["limit"] = String(limit) }
                return row
            },
            "topups": topups.map { ["sku": $0.topupSKU, "name": $0.displayName, "tokens": $0.tokensAmount] as [String: Any] },
            "archetypes": archetypes.map { archetype -> [String: Any] in
                [
                    "code": archetype.code, "name": archetype.displayName, "active": archetype.isActive,
                    "workflows": archetype.workflows.map { workflow -> [String: Any] in
                        [
                            "id": workflow.id.uuidString.lowercased(), "uid": workflow.workflowUID, "key": workflow.variantKey,
                            "format": workflow.format ?? "every format", "wActive": workflow.isActive,
                        ]
                    },
                ]
            },
            "formats": AdFormat.all.map { ["code": $0.code] },
        ]
        if let rule { page.merge(AdminPricingPage.ruleContext(rule)) { $1 } }
        return page
    }

    /// The stored plan or top-up as the edit's JSON fields (nothing for a new one).
    static func fields(of existing: (some Encodable)?) throws -> [String: Any] {
        guard let existing else { return [:] }
        var fields = try JSONSerialization.jsonObject(with: JSONEncoder().encode(existing)) as? [String: Any] ?? [:]
        fields["price"] = nil
        return fields
    }

    /// The service's own edit type, read from fields as the API would: one set of rules.
    static func edit<Edit: Decodable>(_ fields: [String: Any]) throws -> Edit {
        do {
            return try JSONDecoder().decode(Edit.self, from: JSONSerialization.data(withJSONObject: fields))
        } catch {
            throw AppError.validation(["form": "a field is missing or not of the right kind"])
        }
    }

    static func number(_ text: String?, _ field: String) throws -> Int64 {
        guard let text, text.utf8.count <= 20, let value = Int64(text) else { throw AppError.validation([field: "must be a whole number"]) }
        return value
    }
}
