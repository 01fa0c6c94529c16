@testable import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Prometheus
import TestSupport
import Testing

/// Every route that names an object, taken from the router's own list: another user gets 404 for
/// it, reading or writing, and nothing of the owner's changes; every state change refuses a
/// cookie-authenticated request from another site. A route added without an entry in
/// `objectOf` fails here until someone decides what it names.
@Suite struct AccessSweepTests {
    /// What each path parameter names, by the route's path: the owner's object of that kind.
    enum Object { case brand, job, image }

    static let objectOf: [String: Object] = [
        "/api/v1/brands/{id}": .brand, "/api/v1/brands/{id}/extract": .brand, "/api/v1/brands/{id}/insights": .brand,
        "/api/v1/brands/{id}/assets": .brand, "/api/v1/generation-jobs/{id}": .job, "/api/v1/generation-jobs/{id}/events": .job,
        "/api/v1/generation-jobs/{id}/cancel": .job, "/api/v1/generation-jobs/{id}/viewed": .job, "/api/v1/ad-images/{id}": .image,
        "/api/v1/ad-images/{id}/save": .image, "/api/v1/ad-images/{id}/unsave": .image, "/api/v1/ad-images/{id}/restore": .image,
        "/api/v1/ad-images/{id}/share": .image, "/api/v1/ad-images/{id}/download": .image, "/brands/{id}": .brand,
        "/brands/{id}/first-ads": .brand, "/brands/{id}/create": .brand, "/brands/{id}/edit": .brand, "/brands/{id}/extract": .brand,
        "/brands/{id}/assets": .brand, "/brands/{id}/assets/remove": .brand, "/jobs/{id}": .job, "/library/{id}/share": .image,
    ]
    /// Parameters that name no user's object: public share tokens, static files, admin routes
    /// (their own guard test), the signed n8n callback.
    static func unowned(_ path: String) -> Bool {
        path.hasPrefix("/api/v1/admin") || path.hasPrefix("/admin") || path.hasPrefix("/s/") || path.hasPrefix("/static/")
            || path.hasPrefix("/blobs/") || path.hasPrefix("/api/v1/n8n/")
    }

    static func routes(_ db: TestDatabase) throws -> [(method: HTTPRequest.Method, path: String)] {
        let configuration = try AppConfiguration(environment: ["BLUMPO_DATA_DIR": FileManager.default.temporaryDirectory.path])
        let router = try buildRouter(AppDependencies(configuration: configuration, client: db.client, metrics: PrometheusCollectorRegistry(), logger: db.logger))
        return router.routes.map { (method: $0.method, path: "/" + $0.path.description.split(separator: "/").joined(separator: "/")) }
    }

    @Test func anotherUsersObjectsAreNotFoundAndStayAsTheyWere() async throws {
        try await withLibrary { l in
            let routes = try Self.routes(l.db).filter { $0.path.contains("{") && !Self.unowned($0.path) }
            let missing = Set(routes.map(\.path)).subtracting(Self.objectOf.keys)
            #expect(missing.isEmpty, "routes without an entry in the access sweep: \(missing.sorted())")
            #expect(routes.count >= 25)
            let ids: [Object: String] = [
                .brand: l.fixture.brandID.uuidString.lowercased(), .job: l.fixture.jobID.uuidString.lowercased(),
                .image: l.fixture.images[0].id.uuidString.lowercased(),
            ]
            let (stranger, _) = try await l.client.signIn("stranger@example.com", db: l.db)
            let csrf = CSRF.token(for: stranger)
            for (method, template) in routes {
                let object = try #require(Self.objectOf[template], "\(template)")
                let path = template.replacingOccurrences(of: "{id}", with: ids[object] ?? "")
                let api = path.hasPrefix("/api/")
                var headers: HTTPFields = [:]
                var body: ByteBuffer?
                if api {
                    headers[.authorization] = "Bearer \(stranger)"
                    if method != .get { headers[.contentType] = "application/json"; body = ByteBuffer(string: "{}") }
                    if template.hasSuffix("/assets"), method == .post {
                        headers[.contentType] = "multipart/form-data; boundary=sweep"
                        body = ByteBuffer(string: "--sweep\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nlogo\r\n--sweep--\r\n")
                    }
                } else {
                    headers[.cookie] = "blumpo_session=\(stranger)"
                    headers[.accept] = "text/html"
                    if method != .get {
                        headers[.origin] = webOrigin
                        headers[.contentType] = "application/x-www-form-urlencoded"
                        body = ByteBuffer(string: "_csrf=\(csrf)&url=x&step=colors&name=Mine&archetype_code=problem_solution&formats=square")
                    }
                }
                let status = try await l.client.execute(uri: path, method: method, headers: headers, body: body) { $0.status }
                #expect(status == .notFound, "\(method) \(template) as another user answered \(status.code)")
            }
            // Nothing of the owner's moved: the brand, the job and every image are as seeded.
            let brand = try await l.db.one("SELECT name || '/' || is_deleted::text FROM brand WHERE id = \(l.fixture.brandID)", as: String.self)
            #expect(brand == "Kettle Co/false" || brand.hasSuffix("/false"))
            #expect(try await l.db.one("SELECT count(*)::int FROM ad_image WHERE user_id = \(l.userID) AND (is_saved OR delete_at IS NOT NULL)", as: Int.self) == 0)
            #expect(try await l.db.one("SELECT count(*)::int FROM ad_event", as: Int.self) == 0)
            #expect(try await l.db.one("SELECT count(*)::int FROM generation_job WHERE user_id <> \(l.userID)", as: Int.self) == 0)
        }
    }

    @Test func everyStateChangeRefusesACookieFromAnotherSite() async throws {
        try await withLibrary { l in
            let writes = try Self.routes(l.db).filter { $0.method != .get && $0.method != .head && !Self.unowned($0.path) }
            #expect(writes.count >= 30)
            let ids = [l.fixture.brandID, l.fixture.jobID, l.fixture.images[0].id].map { $0.uuidString.lowercased() }
            let csrf = CSRF.token(for: l.token)
            for (method, template) in writes where !template.hasPrefix("/api/v1/webhooks/") && !template.hasPrefix("/api/v1/auth/") {
                let object = Self.objectOf[template]
                let path = template.replacingOccurrences(of: "{id}", with: object == .job ? ids[1] : object == .image ? ids[2] : ids[0])
                // A cross-site form (a plain-text or form body needs no preflight) and a scripted
                // JSON request, each with the victim's cookie. The API refuses a plain-text body
                // before anything else (415); everything else is the Origin check's 403.
                for origin in ["https://evil.example", "null"] {
                    for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json"] {
                        let headers: HTTPFields = [.cookie: "blumpo_session=\(l.token)", .origin: origin, .contentType: type, .accept: "text/html"]
                        let body = type == "application/json" ? "{}" : "_csrf=\(csrf)&name=Evil&email=evil%40example.com"
                        let status = try await l.client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: body)) { $0.status }
                        // A body type an API route never takes may be refused as such (415) first;
                        // the type it takes must meet the Origin check.
                        let takes = template.hasSuffix("/assets") && method == .post ? "multipart" : "application/json"
                        let refused = status == .forbidden || (status == .unsupportedMediaType && template.hasPrefix("/api/") && !type.hasPrefix(takes))
                        #expect(refused, "\(method) \(template) from \(origin) as \(type) answered \(status.code)")
                    }
                }
            }
            #expect(try await l.db.one("SELECT count(*)::int FROM ad_event", as: Int.self) == 0)
            #expect(try await l.db.one("SELECT count(*)::int FROM brand WHERE user_id = \(l.userID) AND NOT is_deleted", as: Int.self) == 1)
        }
    }
}
