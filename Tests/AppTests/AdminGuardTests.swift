import Accounts
import App
import Audit
import Database
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import PostgresNIO
import Prometheus
import TestSupport
import Testing

/// The admin guard, checked on the router's own route list: every `/api/v1/admin/...` route a
/// future change adds is covered without touching this test.
@Suite struct AdminGuardTests {
    /// `METHOD /path` of every admin route, placeholders filled with values that would reach the
    /// handler (a fresh uuid, a plan code).
    static func adminRoutes(_ db: TestDatabase) throws -> [(HTTPRequest.Method, String)] {
        let configuration = try AppConfiguration(environment: ["BLUMPO_DATA_DIR": FileManager.default.temporaryDirectory.path])
        let router = try buildRouter(AppDependencies(configuration: configuration, client: db.client, metrics: PrometheusCollectorRegistry(), logger: db.logger))
        let id = UUID().uuidString.lowercased()
        return router.routes.compactMap { route in
            let path = "/" + route.path.description.split(separator: "/").map { segment -> String in
                switch segment {
                case "{id}": id
                case "{code}", "{sku}": "FREE"
                default: String(segment)
                }
            }.joined(separator: "/")
            return path.hasPrefix("/api/v1/admin/") || path == "/api/v1/admin" ? (route.method, path) : nil
        }
    }

    @Test func everyAdminRouteIsNotFoundToAMemberAndUnauthenticatedToNobody() async throws {
        try await withTestApp(environment: ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]) { client, db in
            let routes = try Self.adminRoutes(db)
            // The routes this change adds are among them, so the list is the real one.
            let paths = Set(routes.map(\.1))
            #expect(routes.count >= 20)
            #expect(paths.contains("/api/v1/admin/audit") && paths.contains("/api/v1/admin/extraction-problems") && paths.contains("/api/v1/admin/workflows"))
            let (member, _) = try await client.signIn("member@example.com", db: db)
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            for (method, path) in routes {
                let body = method == .get ? nil : ByteBuffer(string: "{}")
                for (token, expected) in [(member, HTTPResponse.Status.notFound), (nil, .unauthorized)] {
                    var headers: HTTPFields = body == nil ? [:] : [.contentType: "application/json"]
                    if let token { headers[.authorization] = "Bearer \(token)" }
                    let (status, code) = try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
                        (response.status, ((try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any])?["code"] as? String)
                    }
                    #expect(status == expected, "\(method) \(path) as \(token == nil ? "nobody" : "a member")")
                    #expect(code == (expected == .notFound ? "NOT_FOUND" : "UNAUTHENTICATED"), "\(method) \(path)")
                }
            }
            // The same routes do answer an admin (reads at least): the guard, not a missing route, said 404.
            let audit = try await client.json(.get, "/api/v1/admin/audit", token: boss)
            #expect(audit.status == .ok)
        }
    }

    @Test func aGrantedUserIsAdminAndARevokedOneIsNot() async throws {
        try await withTestApp { client, db in
            let (token, userID) = try await client.signIn("granted@example.com", db: db)
            #expect(try await client.json(.get, "/api/v1/admin/users", token: token).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/me", token: token).body["is_admin"] as? Bool == false)

            let auth = AuthService.forApp(client: db.client, configuration: try AppConfiguration(environment: [:]))
            let granted = try await auth.setAdmin(email: "  Granted@Example.com ", true, actor: .commandLine("ops"), logger: db.logger)
            #expect(granted.isAdmin)
            let me = try await client.json(.get, "/api/v1/me", token: token)
            #expect(me.body["is_admin"] as? Bool == true)
            #expect((me.body["user"] as? [String: Any])?["is_admin"] as? Bool == true)
            #expect(try await client.json(.get, "/api/v1/admin/users", token: token).status == .ok)
            let rows = try await client.json(.get, "/api/v1/admin/audit?action=user.admin_grant", token: token)
            let entry = try #require((rows.body["items"] as? [[String: Any]])?.first)
            #expect(entry["actor_email"] as? String == "cli:ops")
            #expect(entry["actor_id"] is NSNull)
            #expect(entry["target_id"] as? String == userID)
            #expect((entry["before"] as? [String: Any])?["is_admin"] as? Bool == false)
            #expect((entry["after"] as? [String: Any])?["is_admin"] as? Bool == true)

            _ = try await auth.setAdmin(email: "granted@example.com", false, actor: .commandLine(), logger: db.logger)
            #expect(try await client.json(.get, "/api/v1/admin/users", token: token).status == .notFound)
            await #expect(throws: (any Error).self) { _ = try await auth.setAdmin(email: "nobody@example.com", true, actor: .commandLine(), logger: db.logger) }
        }
    }

    @Test func theCommandLineGrantsAndRevokesAdminRights() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("operator@example.com", db: db)
            let environment = ["DATABASE_URL": db.endpoint.url, "USER": "root"]
            let grant = try await BlumpoProcess.run(["admin", "grant", "operator@example.com"], environment: environment)
            #expect(grant.status == 0, "\(grant.output)")
            #expect(grant.output.contains("operator@example.com is now an admin"))
            #expect(try await client.json(.get, "/api/v1/admin/users", token: token).status == .ok)
            #expect(try await db.one("SELECT actor_email FROM admin_audit WHERE action = 'user.admin_grant'", as: String.self) == "cli:root")

            let unknown = try await BlumpoProcess.run(["admin", "grant", "ghost@example.com"], environment: environment)
            #expect(unknown.status == 1)
            #expect(unknown.output.contains("no user has the email ghost@example.com"))
            #expect(try await BlumpoProcess.run(["admin", "revoke", "operator@example.com"], environment: environment).status == 0)
            #expect(try await client.json(.get, "/api/v1/admin/users", token: token).status == .notFound)
        }
    }
}
