import Analytics
import Audit
import Core
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// `/admin/audit`: every admin change, newest first, filtered like the API's audit list; and
/// `/admin/engagement`: what became of the ads per archetype and workflow, installation-wide.
extension WebPages {
    func registerAdminAudit(on router: Router<AppRequestContext>) {
        router.get("admin/audit") { request, context -> Response in
            let identity = try admin(request, context)
            let filter = AuditLog.Filter(
                targetType: try request.queryCode("target_type"),
                // The filter form sends empty fields; they mean no filter (the API's parsers refuse them).
                targetID: request.queryValue("target_id") == nil ? nil : try AdminAuditRoutes.targetID(request),
                actorID: try request.queryID("actor_id"), action: request.queryValue("action") == nil ? nil : try AdminAuditRoutes.action(request))
            var before = Int64.max
            if let cursor = request.queryValue("cursor") {
                guard cursor.utf8.count <= 20, let id = Int64(String(cursor)), id > 0 else { throw AppError.invalidCursor }
                before = id
            }
            let entries = try await client.withConnection { [before] connection in
                try await AuditLog().list(filter, beforeID: before, limit: 51, on: connection, logger: context.logger)
            }
            var page = try await adminChrome(identity, request, title: "Audit log", section: "/admin/audit", logger: context.logger)
            for (key, value) in [("targetType", filter.targetType), ("targetID", filter.targetID), ("action", filter.action), ("actorID", filter.actorID?.uuidString.lowercased())] {
                if let value { page[key] = value }
            }
            page["entries"] = entries.prefix(50).map(AdminAuditPage.row)
            page["hasEntries"] = !entries.isEmpty
            if entries.count > 50, let last = entries.prefix(50).last {
                var query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
                query["cursor"] = String(last.id)
                page["next"] = "/admin/audit?" + Self.query(query)
            }
            return try renderer.page("admin_audit", page)
        }
        router.get("admin/engagement") { request, context -> Response in
            let identity = try admin(request, context)
            let kpis = try await analytics.adminKPIs(range: try AnalyticsRoutes.range(request), logger: context.logger)
            var page = try await adminChrome(identity, request, title: "Engagement", section: "/admin/engagement", logger: context.logger)
            page["from"] = AdminOverview.day(kpis.from)
            page["to"] = AdminOverview.day(kpis.to.addingTimeInterval(-1))
            page["archetypes"] = kpis.archetypes.bySaveRate.map { Self.statsRow(WebPages.words($0.archetypeCode ?? "other"), $0.counts) }
            page["workflows"] = kpis.workflows.bySaveRate.map { Self.statsRow($0.workflowUID ?? "removed workflow", $0.counts) }
            page["hasRows"] = !kpis.archetypes.bySaveRate.isEmpty
            return try renderer.page("admin_engagement", page)
        }
    }
}

enum AdminAuditPage {
    /// Where the console shows the target of a change, when it has a page for it.
    static let targetPages = ["user": "/admin/users/", "generation_job": "/admin/jobs/", "brand": "/admin/brands/"]

    static func row(_ entry: AuditEntry) -> [String: Any] {
        var row: [String: Any] = [
            "when": WebPages.shortDate(entry.createdAt), "actor": entry.actorEmail, "action": entry.action, "targetType": entry.targetType,
        ]
        if let id = entry.targetID {
            row["target"] = id
            if let base = targetPages[entry.targetType], UUID(uuidString: id) != nil { row["targetHref"] = base + id }
        }
        if let before = entry.before, before != .null { row["before"] = AdminBrandPage.pretty(before) }
        if let after = entry.after, after != .null { row["after"] = AdminBrandPage.pretty(after) }
        return row
    }
}
