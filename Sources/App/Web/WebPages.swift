import Accounts
import Analytics
import Billing
import Brands
import Core
import Crypto
import Foundation
import Generation
import HTTPTypes
import Hummingbird
import Library
import NIOCore
import PostgresNIO

/// The web app: pages rendered on the server from the same services the API calls. Forms post
/// and redirect (they work without JavaScript); small scripts add what must be live.
struct WebPages: Sendable {
    let renderer: WebRenderer
    let auth: AuthService
    let brands: BrandService
    let jobs: JobService
    let library: LibraryService
    let analytics: AnalyticsService
    let client: PostgresClient
    let stripe: StripeBilling?
    let configuration: AppConfiguration
    let staticFiles: StaticFiles

    func register(on router: Router<AppRequestContext>) {
        staticFiles.register(on: router)
        registerSignIn(on: router)
        registerWorkspace(on: router)
        registerBrand(on: router)
        registerLibrary(on: router)
        registerAccount(on: router)
        registerAnalytics(on: router)
        registerAdmin(on: router)
    }

    /// The signed-in user and their session, or a redirect to sign-in that comes back here.
    func signedIn(_ request: Request, _ context: AppRequestContext) throws -> Identity {
        guard let identity = context.identity else {
            let back = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            throw WebRedirect(to: "/sign-in?next=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/app"))
        }
        return identity
    }

    /// What every signed-in page shows around its content.
    func chrome(_ identity: Identity?, title: String, current: String, logger: Logger) async throws -> [String: Any] {
        var page: [String: Any] = ["title": title]
        guard let identity else { return page }
        let summary = try await client.withConnection { try await TokenAccountStore().summary(for: identity.user.id, on: $0, logger: logger) }
        // Admins also see the console; nobody else learns it exists.
        let items = [("/app", "Dashboard"), ("/library", "Library"), ("/analytics", "Analytics"), ("/credits", "Credits"), ("/settings", "Settings")]
            + (identity.isAdmin ? [("/admin", "Admin")] : [])
        page["signedIn"] = true
        page["balance"] = summary?.balance ?? 0
        page["csrf"] = CSRF.token(for: identity.token)
        page["nav"] = items.map { ["href": $0.0, "label": $0.1, "current": $0.0 == current] as [String: Any] }
        return page
    }

    /// A signed-in form post: the session, the CSRF token checked, the form read.
    func post(_ request: Request, _ context: AppRequestContext) async throws -> (Identity, WebForm) {
        let identity = try signedIn(request, context)
        let form = try await WebForm.read(request, context: context)
        try CSRF.check(form, session: identity.token)
        return (identity, form)
    }
}

/// Thrown by a page that needs the visitor elsewhere (sign-in first); turned into a 303.
struct WebRedirect: Error {
    let to: String
}

/// Turns `WebRedirect` into a redirect before errors become problems.
struct WebRedirectMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let redirect as WebRedirect {
            return Response(status: .seeOther, headers: [.location: redirect.to])
        }
    }
}

/// `/static/…`: the stylesheet, scripts and icon, read once at start and served with an ETag.
struct StaticFiles: Sendable {
    let files: [String: (data: Data, type: String, etag: String)]

    init() throws {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("static") else { throw WebSetupError("static files missing") }
        var files: [String: (Data, String, String)] = [:]
        let types = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml"]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            guard let type = types[String(name.split(separator: ".").last ?? "")] else { continue }
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let digest = SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
            files[name] = (data, type, "\"\(digest)\"")
        }
        self.files = files
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("static/{name}") { request, context -> Response in
            guard let name = context.parameters.get("name"), let file = files[name] else { throw AppError.notFound("File") }
            var headers: HTTPFields = [.contentType: file.type, .eTag: file.etag, .cacheControl: "public, max-age=300", .init("X-Content-Type-Options")!: "nosniff"]
            if request.headers[.ifNoneMatch] == file.etag { return Response(status: .notModified, headers: headers) }
            headers[.contentLength] = String(file.data.count)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.data)))
        }
    }
}
