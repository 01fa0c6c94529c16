import Audit
import Brands
import Core
import Foundation
import Logging
import PostgresNIO

/// An admin re-running one extraction step of anyone's brand: the owner's own re-extraction
/// (`BrandService.extract`, from the stored crawl), then the audit row naming the step and the
/// outcome it replaces.
struct AdminBrandReruns: Sendable {
    let client: PostgresClient
    let brands: BrandService

    struct Snapshot: Encodable, Sendable {
        let step: String
        let status: String
        let error: String?
    }

    func rerun(_ id: UUID, step: ExtractionStep, actor: AuditActor, logger: Logger) async throws {
        let before = try await BrandAdmin(client: client).detail(id, logger: logger)
        let state = before.extraction?.steps[step]
        _ = try await brands.extract(id, userID: before.brand.userID, steps: [step.rawValue], logger: logger)
        try await client.withConnection { connection in
            try await AuditLog().record(
                actor, action: "brand.rerun_step", target: AuditTarget("brand", id),
                before: Snapshot(step: step.rawValue, status: state?.status.rawValue ?? "pending", error: state?.error),
                after: Snapshot(step: step.rawValue, status: "pending", error: nil), on: connection, logger: logger)
        }
    }
}
