import Core
import Database
public import Foundation
public import Logging
public import PostgresNIO

/// Admin changes to the catalogue: each edit is validated, saved and answered with the
/// catalogue as it now is, in one transaction.
public struct CatalogService: Sendable {
    let client: PostgresClient
    let plans = PlanStore()
    let pricing = PricingStore()

    public init(client: PostgresClient) {
        self.client = client
    }

    /// Creates or replaces a plan (`is_active: false` retires it; the default plan stays active).
    public func putPlan(_ code: String, _ edit: PlanEdit, logger: Logger) async throws -> [PlanStore.Plan] {
        let problems = edit.problems(code: code)
        guard problems.isEmpty else { throw AppError.validation(problems) }
        return try await client.transaction(logger: logger) { connection in
            try await plans.upsertPlan(code, edit, on: connection, logger: logger)
            return try await plans.activePlans(on: connection, logger: logger)
        }
    }

    public func putTopup(_ sku: String, _ edit: TopupEdit, logger: Logger) async throws -> [PlanStore.Topup] {
        let problems = edit.problems(sku: sku)
        guard problems.isEmpty else { throw AppError.validation(problems) }
        return try await client.transaction(logger: logger) { connection in
            try await plans.upsertTopup(sku, edit, on: connection, logger: logger)
            return try await plans.activeTopups(on: connection, logger: logger)
        }
    }

    /// Makes a new rule the active one, as the next version. Jobs keep the price they were
    /// created with (`generation_job.tokens_cost`), so nothing already bought changes.
    public func activate(_ edit: PricingRuleEdit, logger: Logger) async throws -> PricingRule {
        let problems = edit.problems()
        guard problems.isEmpty else { throw AppError.validation(problems) }
        return try await client.transaction(logger: logger) { connection in
            try await pricing.activate(edit, on: connection, logger: logger)
            return try await pricing.activeRule(on: connection, logger: logger)
        }
    }
}
