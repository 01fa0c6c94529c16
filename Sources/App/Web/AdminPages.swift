import Accounts
import Audit
import Core
import Foundation
import Hummingbird
import Logging

/// The admin console: pages under `/admin` for the people who run Blumpo. Each page calls the
/// same services as the admin JSON API, so every change is audited in one place. A signed-out
/// visitor is sent to sign-in like on any page; a signed-in user who is not an admin gets the
/// ordinary "page does not exist" 404, so the console does not reveal itself.
extension WebPages {
    func registerAdmin(on router: Router<AppRequestContext>) {
        registerAdminOverview(on: router)
        registerAdminUsers(on: router)
        registerAdminJobs(on: router)
        registerAdminImages(on: router)
        registerAdminBrands(on: router)
        registerAdminCatalogue(on: router)
        registerAdminAudit(on: router)
    }

    /// The signed-in admin, a redirect to sign-in, or a 404 for anyone else.
    func admin(_ request: Request, _ context: AppRequestContext) throws -> Identity {
        let identity = try signedIn(request, context)
        guard identity.isAdmin else { throw AppError.notFound("Page") }
        return identity
    }

    /// An admin's form post: admin first (so others learn nothing), then the CSRF token.
    func adminPost(_ request: Request, _ context: AppRequestContext) async throws -> (AuditActor, WebForm) {
        let identity = try admin(request, context)
        let form = try await WebForm.read(request, context: context)
        try CSRF.check(form, session: identity.token)
        return (AuditActor(id: identity.user.id, email: identity.user.email), form)
    }

    /// The usual chrome plus the console's own section links and a message after an action.
    func adminChrome(_ identity: Identity, _ request: Request, title: String, section: String, logger: Logger) async throws -> [String: Any] {
        var page = try await chrome(identity, title: title + " · Admin", current: "/admin", logger: logger)
        page["adminNav"] = AdminSection.all.map { ["href": $0.path, "label": $0.label, "current": $0.path == section] as [String: Any] }
        if let done = request.uri.queryParameters["done"].flatMap({ AdminSection.messages[String($0)] }) { page["flash"] = done }
        return page
    }
}

/// The console's sections, in the order the nav shows them.
enum AdminSection {
    static let all: [(path: String, label: String)] = [
        ("/admin", "Overview"), ("/admin/users", "Users"), ("/admin/jobs", "Jobs"), ("/admin/images", "Images"),
        ("/admin/brands", "Brands"), ("/admin/catalogue", "Catalogue"), ("/admin/audit", "Audit log"), ("/admin/engagement", "Engagement"),
    ]

    /// What the page says after a form redirected back with `?done=…`: fixed text only, so a
    /// link cannot make the console say anything else.
    static let messages: [String: String] = [
        "banned": "The user is banned and signed out everywhere.", "unbanned": "The user is no longer banned.",
        "signed-out": "Every session of the user has ended.", "adjusted": "The tokens were adjusted.",
        "canceled": "The job was cancelled.", "image-banned": "The image is banned.", "image-unbanned": "The image is no longer banned.",
        "saved": "Saved; the audit log has the change.", "pricing": "The new pricing version is in use for new jobs.",
        "rerun": "The step runs again; reload in a moment for its result.",
    ]
}
