import Accounts
import Billing
import Brands
import Core
import Foundation
import Generation
import Hummingbird
import Logging
import PostgresNIO

/// `/admin/users`: search, and a user's profile with plan, balance, ledger, brands, jobs and
/// sessions; ban, unban, token adjustments and ending every session, through the services the
/// admin API uses (each writes `admin_audit`).
extension WebPages {
    var adminUsers: AdminUsers { AdminUsers(client: client, jobs: jobs, adminEmails: configuration.adminEmails) }

    func registerAdminUsers(on router: Router<AppRequestContext>) {
        router.get("admin/users") { request, context -> Response in
            let identity = try admin(request, context)
            let query = request.uri.queryParameters["query"].map(String.init) ?? ""
            guard query.count <= 200 else { throw AppError.validation(["query": "must be at most 200 characters"]) }
            let cursor = request.queryValue("cursor").map(String.init)
            let after = try Keyset(cursor: cursor)
            let found = try await client.withConnection { connection in
                try await UserStore().search(query: query, after: after, limit: 51, on: connection, logger: context.logger)
            }
            let users = Page(rows: found, limit: 50) { ($0.createdAt, $0.id) }
            var page = try await adminChrome(identity, request, title: "Users", section: "/admin/users", logger: context.logger)
            page["query"] = query
            page["users"] = users.items.map(AdminUserPage.row)
            page["hasUsers"] = !users.items.isEmpty
            if let next = users.nextCursor { page["next"] = "/admin/users?" + Self.query(["query": query, "cursor": next]) }
            return try renderer.page("admin_users", page)
        }
        router.get("admin/users/{id}") { request, context -> Response in
            let identity = try admin(request, context)
            let id = try Self.pathID(context)
            let detail = try await adminUsers.detail(id, logger: context.logger)
            let sessions = try await client.withConnection { try await SessionStore().live(userID: id, limit: 20, on: $0, logger: context.logger) }
            var page = try await adminChrome(identity, request, title: detail.user.email, section: "/admin/users", logger: context.logger)
            page.merge(AdminUserPage.context(detail, sessions: sessions)) { $1 }
            // A fresh key per rendering: submitting this form twice (a double click, a resend)
            // adjusts once; the next adjustment gets a new page and so a new key.
            page["adjustKey"] = UUID().uuidString.lowercased()
            return try renderer.page("admin_user", page)
        }
        router.post("admin/users/{id}/{action}") { request, context -> Response in
            let (actor, form) = try await adminPost(request, context)
            let id = try Self.pathID(context)
            let back = "/admin/users/" + id.uuidString.lowercased()
            switch context.parameters.get("action") {
            case "ban":
                _ = try await auth.setBanned(id, true, actor: actor, logger: context.logger)
                return redirect(back + "?done=banned")
            case "unban":
                _ = try await auth.setBanned(id, false, actor: actor, logger: context.logger)
                return redirect(back + "?done=unbanned")
            case "sign-out":
                _ = try await auth.signOutEverywhere(id, actor: actor, logger: context.logger)
                return redirect(back + "?done=signed-out")
            case "tokens":
                guard let text = form["delta"], let delta = Int64(text) else { throw AppError.validation(["delta": "must be a whole number"]) }
                guard let note = form["note"], !note.isEmpty else { throw AppError.validation(["note": "say why the tokens change"]) }
                guard let key = form["key"], !key.isEmpty else { throw AppError.validation(["key": "reload the page and try again"]) }
                _ = try await TokenAdjustments(client: client).adjust(userID: id, delta: delta, note: note, key: key, actor: actor, logger: context.logger)
                return redirect(back + "?done=adjusted")
            default:
                throw AppError.notFound("Page")
            }
        }
    }
}

/// What the user pages show.
enum AdminUserPage {
    static func row(_ user: User) -> [String: Any] {
        var row: [String: Any] = [
            "id": user.id.uuidString.lowercased(), "email": user.email, "created": WebPages.shortDate(user.createdAt),
            "banned": user.banFlag, "admin": user.isAdmin,
        ]
        if let name = user.displayName, !name.isEmpty { row["name"] = name }
        if let last = user.lastLoginAt { row["lastLogin"] = WebPages.shortDate(last) }
        return row
    }

    static func context(_ detail: AdminUsers.Detail, sessions: [SessionSummary]) -> [String: Any] {
        var page = row(detail.user)
        page["admin"] = detail.isAdmin
        page["plan"] = detail.tokens?.planCode ?? "none"
        page["tokens"] = detail.tokens?.balance ?? 0
        if let status = detail.tokens?.subscriptionStatus { page["subscription"] = status }
        if let next = detail.tokens?.nextRefillAt { page["nextRefill"] = WebPages.shortDate(next) }
        page["ledger"] = detail.ledger.items.map { entry -> [String: Any] in
            [
                "when": WebPages.shortDate(entry.occurredAt), "reason": WebPages.reasonInWords(entry.reason),
                "delta": entry.delta > 0 ? "+\(entry.delta)" : "\(entry.delta)", "after": entry.balanceAfter,
            ]
        }
        page["hasLedger"] = !detail.ledger.items.isEmpty
        page["brands"] = detail.brands.items.map { brand -> [String: Any] in
            [
                "id": brand.brand.id.uuidString.lowercased(), "name": brand.brand.name, "url": brand.brand.websiteURL,
                "status": brand.extraction?.overall ?? "not started",
            ]
        }
        page["hasBrands"] = !detail.brands.items.isEmpty
        page["jobs"] = detail.jobs.items.map(AdminJobPage.row)
        page["hasJobs"] = !detail.jobs.items.isEmpty
        page["sessions"] = sessions.map { session -> [String: Any] in
            [
                "created": WebPages.shortDate(session.createdAt), "seen": WebPages.shortDate(session.lastSeenAt),
                "ip": session.ipAddress ?? "unknown", "agent": session.userAgent.map { String($0.prefix(120)) } ?? "unknown",
            ]
        }
        page["hasSessions"] = !sessions.isEmpty
        return page
    }
}
