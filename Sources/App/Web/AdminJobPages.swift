import Core
import Foundation
import Generation
import Hummingbird
import Logging
import PostgresNIO

/// `/admin/jobs`: every user's jobs, filtered by status, archetype, workflow and dates; a job's
/// variants with attempts, durations, what n8n answered, errors grouped; cancelling.
extension WebPages {
    func registerAdminJobs(on router: Router<AppRequestContext>) {
        router.get("admin/jobs") { request, context -> Response in
            let identity = try admin(request, context)
            let filter = try AdminJobRoutes.filter(request)
            let found = try await jobs.adminList(filter, cursor: request.queryValue("cursor").map(String.init), limit: 50, logger: context.logger)
            let catalog = try await WorkflowCatalog(client: client).archetypes(logger: context.logger)
            var page = try await adminChrome(identity, request, title: "Jobs", section: "/admin/jobs", logger: context.logger)
            page["statuses"] = JobStatus.allCases.map { ["code": $0.rawValue, "name": $0.rawValue.lowercased(), "selected": $0 == filter.status] as [String: Any] }
            page["archetypes"] = catalog.map { ["code": $0.code, "name": $0.displayName, "selected": $0.code == filter.archetype] as [String: Any] }
            page["workflows"] = catalog.flatMap(\.workflows).map {
                ["id": $0.id.uuidString.lowercased(), "name": $0.workflowUID, "selected": $0.id == filter.workflowID] as [String: Any]
            }
            if let from = filter.from { page["from"] = AdminOverview.day(from) }
            if let to = filter.to { page["to"] = AdminOverview.day(to) }
            if let user = filter.userID { page["userID"] = user.uuidString.lowercased() }
            page["jobs"] = found.items.map(AdminJobPage.row)
            page["hasJobs"] = !found.items.isEmpty
            if let next = found.nextCursor {
                var query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
                query["cursor"] = next
                page["next"] = "/admin/jobs?" + Self.query(query)
            }
            return try renderer.page("admin_jobs", page)
        }
        router.get("admin/jobs/{id}") { request, context -> Response in
            let identity = try admin(request, context)
            let detail = try await jobs.adminDetail(try Self.pathID(context), logger: context.logger)
            var page = try await adminChrome(identity, request, title: "Job", section: "/admin/jobs", logger: context.logger)
            page.merge(AdminJobPage.context(detail)) { $1 }
            return try renderer.page("admin_job", page)
        }
        router.post("admin/jobs/{id}/cancel") { request, context -> Response in
            let (actor, _) = try await adminPost(request, context)
            let id = try Self.pathID(context)
            _ = try await jobs.adminCancel(id, actor: actor, logger: context.logger)
            return redirect("/admin/jobs/\(id.uuidString.lowercased())?done=canceled")
        }
    }
}

/// What the job pages show.
enum AdminJobPage {
    static func row(_ job: GenerationJob) -> [String: Any] {
        var row: [String: Any] = [
            "id": job.id.uuidString.lowercased(), "shortID": String(job.id.uuidString.lowercased().prefix(8)), "userID": job.userID.uuidString.lowercased(), "created": WebPages.shortDate(job.createdAt),
            "status": job.status.rawValue.lowercased(), "badge": badge(job.status), "archetype": job.archetypeCode.map(WebPages.words) ?? "mixed",
            "ads": job.expectedAds ?? 0, "cost": job.tokensCost ?? 0,
        ]
        if let seconds = duration(job.startedAt, job.completedAt) { row["duration"] = seconds }
        return row
    }

    static func context(_ detail: AdminJobDetail) -> [String: Any] {
        let job = detail.job
        var page = row(job)
        page["open"] = job.status == .queued || job.status == .running
        if let code = job.errorCode { page["errorCode"] = code }
        if let message = job.errorMessage { page["errorMessage"] = message }
        page["variants"] = detail.variants.map { item -> [String: Any] in
            let variant = item.variant
            var row: [String: Any] = [
                "position": variant.position + 1, "archetype": WebPages.words(variant.archetypeCode), "workflow": variant.workflowUID,
                "format": variant.format, "status": variant.status.rawValue.lowercased(),
                "attempts": item.attempts.map { "\($0) of \(item.maxAttempts ?? $0)" } ?? "not recorded",
            ]
            if let ms = item.durationMS { row["took"] = String(format: "%.1f s", Double(ms) / 1000) }
            if let error = variant.error { row["failure"] = error }
            if let state = item.taskState { row["taskState"] = state }
            if let outcome = item.lastTaskError, outcome != variant.error { row["outcome"] = outcome }
            if let image = variant.adImageID { row["imageID"] = image.uuidString.lowercased() }
            // Keys differ from the job's own: a section falls back to the page's keys when a row lacks one.
            return row
        }
        page["hasVariants"] = !detail.variants.isEmpty
        page["buckets"] = detail.errorBuckets.map { ["reason": $0.reason, "count": $0.count, "example": $0.example] as [String: Any] }
        page["hasBuckets"] = !detail.errorBuckets.isEmpty
        return page
    }

    static func badge(_ status: JobStatus) -> String {
        switch status {
        case .succeeded: "ok"
        case .failed: "error"
        case .queued, .running: "pending"
        case .canceled: ""
        }
    }

    static func duration(_ start: Date?, _ end: Date?) -> String? {
        guard let start, let end else { return nil }
        return String(format: "%.1f s", end.timeIntervalSince(start))
    }
}
