public import Audit
import Core
import Database
import Foundation
public import Logging
public import PostgresNIO

/// Admin changes to the catalogue: each edit is validated, saved, audited and answered with the
/// catalogue as it now is, in one transaction.
public struct CatalogService: Sendable {
    let client: PostgresClient
    let plans = PlanStore()
    let pricing = PricingStore()
    let audit = AuditLog()

    public init(client: PostgresClient) {
        self.client = client
    }

    /// Creates or replaces a plan (`is_active: false` retires it; the default plan stays active).
    /// `is_default: true` moves the default here; the default cannot be unset, only moved.
    public func putPlan(_ code: String, _ edit: PlanEdit, actor: AuditActor, logger: Logger) async throws -> [PlanStore.Plan] {
        let problems = edit.problems(code: code)
        guard problems.isEmpty else { throw AppError.validation(problems) }
        return try await client.transaction(logger: logger) { connection in
            let before = try await plans.plan(code, on: connection, logger: logger)
            if before?.isDefault == true && edit.isDefault == false {
                throw AppError.validation(["is_default": "make another plan the default instead"])
            }
            if edit.isDefault == true { try await plans.clearDefault(except: code, on: connection, logger: logger) }
            try await plans.upsertPlan(code, edit, on: connection, logger: logger)
            let after = try await plans.plan(code, on: connection, logger: logger)
            try await audit.record(actor, action: "plan.put", target: AuditTarget("plan", code), before: before, after: after, on: connection, logger: logger)
            return try await plans.activePlans(on: connection, logger: logger)
        }
    }

    public func putTopup(_ sku: String, _ edit: TopupEdit, actor: AuditActor, logger: Logger) async throws -> [PlanStore.Topup] {
        let problems = edit.problems(sku: sku)
        guard problems.isEmpty else { throw AppError.validation(problems) }
        return try await client.transaction(logger: logger) { connection in
            let before = try await plans.topup(sku, on: connection, logger: logger)
            try await plans.upsertTopup(sku, edit, on: connection, logger: logger)
            let after = try await plans.topup(sku, on: connection, logger: logger)
            try await audit.record(actor, action: "topup.put", target: AuditTarget("topup", sku), before: before, after: after, on: connection, logger: logger)
            return try await plans.activeTopups(on: connection, logger: logger)
        }
    }

    /// Makes a new rule the active one, as the next version. Jobs keep the price they were
    /// created with (`generation_job.tokens_cost`), so nothing already bought changes.
    public func activate(_ edit: PricingRuleEdit, actor: AuditActor, logger: Logger) async throws -> PricingRule {
        let problems = edit.problems()
        guard problems.isEmpty else { throw AppError.validation(problems) }
        return try await client.transaction(logger: logger) { connection in
            let before = try await pricing.activeRule(on: connection, logger: logger)
            try await pricing.activate(edit, on: connection, logger: logger)
            let after = try await pricing.activeRule(on: connection, logger: logger)
            try await audit.record(
                actor, action: "pricing.activate", target: AuditTarget("pricing", String(after.id)), before: before, after: after,
                on: connection, logger: logger)
            return after
        }
    }
}
