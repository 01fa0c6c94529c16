import Audit
import Core
import Foundation
import Generation
public import Hummingbird

/// `/api/v1/admin/jobs`: every user's jobs, filtered; a job with its variants' attempts and
/// error buckets; cancelling with the owner's refund rules.
struct AdminJobRoutes: Sendable {
    let jobs: JobService

    func register(on router: Router<AppRequestContext>) {
        let admin = router.group("api/v1/admin/jobs", context: AdminContext.self)
        admin.get { request, context -> Page<GenerationJob> in
            try await jobs.adminList(
                try Self.filter(request), cursor: request.uri.queryParameters["cursor"].map(String.init),
                limit: try request.listLimit(default: 50, maximum: 200), logger: context.logger)
        }
        admin.get("{id}") { _, context -> AdminJobDetail in
            try await jobs.adminDetail(try context.parameters.require("id", as: UUID.self), logger: context.logger)
        }
        admin.post("{id}/cancel") { _, context -> AdminJobDetail in
            try await jobs.adminCancel(try context.parameters.require("id", as: UUID.self), actor: context.actor, logger: context.logger)
        }
    }

    static func filter(_ request: Request) throws -> AdminJobFilter {
        var status: JobStatus?
        if let text = request.uri.queryParameters["status"] {
            guard let parsed = JobStatus(rawValue: String(text)) else {
                throw AppError.validation(["status": "must be one of " + JobStatus.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            status = parsed
        }
        return AdminJobFilter(
            status: status, archetype: try request.queryCode("archetype"), workflowID: try request.queryID("workflow_id"),
            userID: try request.queryID("user_id"), from: try request.queryTime("from"), to: try request.queryTime("to"))
    }
}

extension AdminJobDetail: ResponseEncodable {}
