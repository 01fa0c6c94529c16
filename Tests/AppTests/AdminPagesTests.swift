@testable import App
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

/// The admin console as a browser calls it: hidden from everyone but admins, and each action
/// doing what the admin API's services do.
// One test at a time: each opens a whole app with its own database connections, and the suite
// runs beside every other one on the shared test cluster.
@Suite(.serialized) struct AdminPagesTests {
    static let origin = "http://127.0.0.1:8080"

    private func page(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, session: String? = nil, form: String? = nil
    ) async throws -> (status: HTTPResponse.Status, html: String, location: String?) {
        var headers: HTTPFields = [.accept: "text/html"]
        if let session { headers[.cookie] = "blumpo_session=\(session)" }
        if method != .get { headers[.origin] = Self.origin }
        if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await client.execute(uri: path, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) }) {
            ($0.status, String(buffer: $0.body), $0.headers[.location])
        }
    }

    /// Every `/admin…` route of the real router, placeholders filled with the library fixture's
    /// ids where a page needs a real object: a page added later is covered without editing this.
    static func consoleRoutes(_ l: LibraryContext) throws -> [(HTTPRequest.Method, String)] {
        let configuration = try AppConfiguration(environment: ["BLUMPO_DATA_DIR": l.dataDirectory])
        let router = try buildRouter(AppDependencies(configuration: configuration, client: l.db.client, metrics: PrometheusCollectorRegistry(), logger: l.db.logger))
        return router.routes.compactMap { route in
            let segments = route.path.description.split(separator: "/").map(String.init)
            guard segments.first == "admin" else { return nil }
            let kind = segments.count > 1 ? segments[1] : ""
            let filled = segments.map { segment -> String in
                guard segment == "{id}" else { return ["{action}": "ban", "{code}": "problem_solution"][segment] ?? segment }
                switch kind {
                case "users": return l.userID.uuidString.lowercased()
                case "jobs": return l.fixture.jobID.uuidString.lowercased()
                case "brands": return l.fixture.brandID.uuidString.lowercased()
                default: return l.fixture.images[0].id.uuidString.lowercased()
                }
            }
            return (route.method, "/" + filled.joined(separator: "/"))
        }
    }

    @Test func everyConsolePageIsNotFoundToAMemberSignInToAVisitorAndShownToAnAdmin() async throws {
        try await withLibrary { l in
            let routes = try Self.consoleRoutes(l)
            let pages = routes.filter { $0.0 == .get }.map(\.1)
            #expect(Set(pages).isSuperset(of: [
                "/admin", "/admin/users", "/admin/jobs", "/admin/images", "/admin/brands", "/admin/extraction-problems", "/admin/catalogue",
                "/admin/audit", "/admin/engagement",
            ]))
            for detail in ["/admin/users/", "/admin/jobs/", "/admin/brands/"] { #expect(pages.contains { $0.hasPrefix(detail) }, "\(detail)") }
            let (boss, _) = try await l.client.signIn("boss@example.com", db: l.db)
            for path in pages {
                let member = try await page(l.client, .get, path, session: l.token)
                #expect(member.status == .notFound, "\(path) as a member")
                #expect(!member.html.contains("Admin sections"), "\(path)")
                let visitor = try await page(l.client, .get, path)
                #expect(visitor.status == .seeOther && visitor.location?.hasPrefix("/sign-in?next=") == true, "\(path) signed out")
                let shown = try await page(l.client, .get, path, session: boss)
                #expect(shown.status == .ok, "\(path) as an admin")
                #expect(shown.html.contains("Admin sections"), "\(path)")
            }
            // Actions too: a member's well-formed post changes nothing and learns nothing.
            let csrf = CSRF.token(for: l.token)
            for (_, path) in routes.filter({ $0.0 == .post }) {
                #expect(try await page(l.client, .post, path, session: l.token, form: "_csrf=\(csrf)").status == .notFound, "POST \(path)")
            }
            #expect(try await l.db.one("SELECT count(*)::int FROM admin_audit", as: Int.self) == 0)
        }
    }

    @Test func theOverviewDrawsEachFigureWithThePeriodBefore() async throws {
        try await withLibrary { l in
            let (boss, _) = try await l.client.signIn("boss@example.com", db: l.db)
            let overview = try await page(l.client, .get, "/admin?from=2026-01-01&to=2026-01-31", session: boss)
            #expect(overview.status == .ok)
            #expect(overview.html.components(separatedBy: "<svg").count - 1 >= 12)
            #expect(overview.html.contains("Before:") && overview.html.contains("Accounts by plan"))
            #expect(overview.html.contains("value=\"2026-01-31\""))
            #expect(try await page(l.client, .get, "/admin?from=2026-02-01&to=2026-01-01", session: boss).status.code == 422)
        }
    }

    @Test func banningAUserFromTheConsoleEndsTheirSessionsAndIsAudited() async throws {
        try await withLibrary { l in
            let (boss, _) = try await l.client.signIn("boss@example.com", db: l.db)
            let user = "/admin/users/" + l.userID.uuidString.lowercased()
            #expect(try await l.client.json(.get, "/api/v1/me", token: l.token).status == .ok)
            let banned = try await page(l.client, .post, user + "/ban", session: boss, form: "_csrf=\(CSRF.token(for: boss))")
            #expect(banned.status == .seeOther && banned.location == user + "?done=banned")
            #expect(try await l.client.json(.get, "/api/v1/me", token: l.token).status != .ok)
            let shown = try await page(l.client, .get, banned.location!, session: boss)
            #expect(shown.html.contains("Banned") && shown.html.contains("Unban"))
            #expect(try await l.db.one("SELECT count(*)::int FROM admin_audit WHERE action = 'user.ban'", as: Int.self) == 1)
            // Without the form's token nothing happens.
            #expect(try await page(l.client, .post, user + "/unban", session: boss, form: "x=1").status == .forbidden)
        }
    }

    @Test func signingAUserOutEverywhereEndsTheirSessionsButNotTheAccount() async throws {
        try await withLibrary { l in
            let (boss, _) = try await l.client.signIn("boss@example.com", db: l.db)
            let user = "/admin/users/" + l.userID.uuidString.lowercased()
            let done = try await page(l.client, .post, user + "/sign-out", session: boss, form: "_csrf=\(CSRF.token(for: boss))")
            #expect(done.location == user + "?done=signed-out")
            #expect(try await l.client.json(.get, "/api/v1/me", token: l.token).status == .unauthorized)
            #expect(try await l.db.one("SELECT ban_flag FROM \"user\" WHERE id = \(l.userID)", as: Bool.self) == false)
            #expect(try await l.db.one("SELECT count(*)::int FROM admin_audit WHERE action = 'user.sign_out_everywhere'", as: Int.self) == 1)
        }
    }

    @Test func aTokenAdjustmentPostedTwiceWithTheSameKeyMovesTokensOnce() async throws {
        try await withLibrary { l in
            let (boss, _) = try await l.client.signIn("boss@example.com", db: l.db)
            let user = "/admin/users/" + l.userID.uuidString.lowercased()
            let shown = try await page(l.client, .get, user, session: boss)
            let key = try #require(shown.html.firstMatch(of: /name="key" value="([0-9a-f-]{36})"/)?.1)
            let before = try await l.db.one("SELECT balance FROM token_account WHERE user_id = \(l.userID)", as: Int64.self)
            let form = "_csrf=\(CSRF.token(for: boss))&key=\(key)&delta=25&note=Goodwill+after+an+outage"
            for _ in 0..<2 {
                let posted = try await page(l.client, .post, user + "/tokens", session: boss, form: form)
                #expect(posted.status == .seeOther && posted.location == user + "?done=adjusted")
            }
            #expect(try await l.db.one("SELECT balance FROM token_account WHERE user_id = \(l.userID)", as: Int64.self) == before + 25)
            #expect(try await l.db.one("SELECT count(*)::int FROM admin_audit WHERE action = 'tokens.adjust'", as: Int.self) == 1)
            // A reason is required.
            let silent = "_csrf=\(CSRF.token(for: boss))&key=\(UUID().uuidString)&delta=5&note="
            #expect(try await page(l.client, .post, user + "/tokens", session: boss, form: silent).status.code == 422)
            #expect(try await page(l.client, .get, user, session: boss).html.contains("Adjusted by support"))
        }
    }

    @Test func aBannedImageVanishesFromItsOwnersLibrary() async throws {
        try await withLibrary { l in
            let (boss, _) = try await l.client.signIn("boss@example.com", db: l.db)
            let id = l.fixture.images[0].id.uuidString.lowercased()
            let grid = try await page(l.client, .get, "/admin/images?banned=false", session: boss)
            #expect(grid.html.contains("/admin/images/\(id)/ban") && grid.html.contains("share link"))
            let form = "_csrf=\(CSRF.token(for: boss))&back=%2Fadmin%2Fimages%3Fbanned%3Dfalse"
            let banned = try await page(l.client, .post, "/admin/images/\(id)/ban", session: boss, form: form)
            #expect(banned.location == "/admin/images?banned=false&done=image-banned")
            let library = try await l.client.json(.get, "/api/v1/ad-images", token: l.token)
            let ids = (library.body["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids.count == l.fixture.images.count - 1 && !ids.contains(id))
            let bannedGrid = try await page(l.client, .get, "/admin/images?banned=true", session: boss)
            #expect(bannedGrid.html.contains("/admin/images/\(id)/unban") && bannedGrid.html.contains("Banned: the file is hidden"))
        }
    }

    @Test func aJobShowsItsErrorsGroupedAndCanBeCancelled() async throws {
        try await withLibrary { l in
            let (boss, _) = try await l.client.signIn("boss@example.com", db: l.db)
            let job = try await AdminJobFixture.seed(l.db, userID: l.userID, cost: 30, errors: ["n8n answered 502", "n8n answered 502", nil])
            let path = "/admin/jobs/" + job.jobID.uuidString.lowercased()
            let shown = try await page(l.client, .get, path, session: boss)
            #expect(shown.status == .ok)
            #expect(shown.html.contains("n8n answered 502") && shown.html.contains("<td>2</td>") && shown.html.contains("Cancel the job"))
            let listed = try await page(l.client, .get, "/admin/jobs?status=RUNNING&archetype=&workflow_id=&from=&to=", session: boss)
            #expect(listed.html.contains(path) && !listed.html.contains("/admin/jobs/" + l.fixture.jobID.uuidString.lowercased()))
            // The owner's profile leads to all their jobs, and that list keeps to them.
            let owner = l.userID.uuidString.lowercased()
            #expect(try await page(l.client, .get, "/admin/users/" + owner, session: boss).html.contains("/admin/jobs?user_id=" + owner))
            let (_, otherID) = try await l.client.signIn("other@example.com", db: l.db)
            let theirs = try await page(l.client, .get, "/admin/jobs?user_id=\(otherID)", session: boss)
            #expect(theirs.status == .ok && theirs.html.contains("No job matches."))
            #expect(try await page(l.client, .get, "/admin/jobs?user_id=" + owner, session: boss).html.contains(path))
            let canceled = try await page(l.client, .post, path + "/cancel", session: boss, form: "_csrf=\(CSRF.token(for: boss))")
            #expect(canceled.location == path + "?done=canceled")
            #expect(try await l.db.one("SELECT status FROM generation_job WHERE id = \(job.jobID)", as: String.self) == "CANCELED")
            #expect(try await l.db.one("SELECT count(*)::int FROM admin_audit WHERE action = 'job.cancel'", as: Int.self) == 1)
            #expect(try await page(l.client, .get, canceled.location!, session: boss).html.contains("The job was cancelled."))
        }
    }

    @Test func aPricingVersionIsQuotedBeforeItIsSavedAndEachCatalogueSaveIsConfirmedAndAudited() async throws {
        try await withLibrary { l in
            let (boss, _) = try await l.client.signIn("boss@example.com", db: l.db)
            let csrf = CSRF.token(for: boss)
            #expect(try await page(l.client, .get, "/admin/catalogue", session: boss).html.contains("Register an n8n workflow"))
            let version = try await l.db.one("SELECT max(version) FROM generation_pricing", as: Int.self)
            #expect(try await page(l.client, .get, "/admin/catalogue", session: boss).html.contains("name=\"variants_per_format\" type=\"number\" min=\"1\" max=\"10\" value=\"5\""))
            let rule = "name=Spring&strategy=PER_AD&base_cost_tokens=12&variants_per_format=2&multi_format_discount_percent=0&costs=meme%3D30"
            let preview = try await page(l.client, .post, "/admin/catalogue/pricing/preview", session: boss, form: "_csrf=\(csrf)&" + rule)
            #expect(preview.status == .ok)
            // 4 formats of 2 ads each at 12 tokens an ad; a meme's 8 ads at 30. Today's rule: 5 per format.
            #expect(preview.html.contains("<td>96 for 8 ads</td>") && preview.html.contains("<td>240 for 8 ads</td>"))
            #expect(preview.html.contains("for 20 ads</td>") && preview.html.contains("Save version \(version + 1)"))
            #expect(try await l.db.one("SELECT max(version) FROM generation_pricing", as: Int.self) == version)
            #expect(try await page(l.client, .post, "/admin/catalogue/pricing", session: boss, form: "_csrf=\(csrf)&" + rule).status.code == 422)
            let saved = try await page(l.client, .post, "/admin/catalogue/pricing", session: boss, form: "_csrf=\(csrf)&confirm=yes&" + rule)
            #expect(saved.location == "/admin/catalogue?done=pricing")
            #expect(try await l.db.one("SELECT version FROM generation_pricing WHERE is_active", as: Int.self) == version + 1)
            #expect(try await l.db.one("SELECT (rules->>'variants_per_format')::int FROM generation_pricing WHERE is_active", as: Int.self) == 2)

            let plan = "_csrf=\(csrf)&confirm=yes&code=STUDIO&display_name=Studio&monthly_tokens=900&brand_limit=&is_active=yes"
            #expect(try await page(l.client, .post, "/admin/catalogue/plans", session: boss, form: plan).location == "/admin/catalogue?done=saved")
            #expect(try await l.db.one("SELECT monthly_tokens FROM subscription_plan WHERE plan_code = 'STUDIO'", as: Int64.self) == Int64(900))
            let workflow = "_csrf=\(csrf)&confirm=yes&archetype_code=meme&path=ads%2Fmeme-v9&variant_key=v9&format="
            #expect(try await page(l.client, .post, "/admin/catalogue/workflows", session: boss, form: workflow).status == .seeOther)
            let archetype = "_csrf=\(csrf)&confirm=yes&code=before_after&display_name=Before+and+after&description="
            #expect(try await page(l.client, .post, "/admin/catalogue/archetypes", session: boss, form: archetype).status == .seeOther)
            let off = "_csrf=\(csrf)&confirm=yes"
            #expect(try await page(l.client, .post, "/admin/catalogue/archetypes/meme", session: boss, form: off).status == .seeOther)
            #expect(try await l.db.one("SELECT is_active FROM ad_archetype WHERE code = 'meme'", as: Bool.self) == false)
            let actions = try await l.db.client.query("SELECT action FROM admin_audit ORDER BY id", logger: l.db.logger).collect().map { try $0.decode(String.self) }
            #expect(actions == ["pricing.activate", "plan.put", "workflow.create", "archetype.create", "archetype.update"])
            let audit = try await page(l.client, .get, "/admin/audit?action=plan.put&target_type=&target_id=&actor_id=", session: boss)
            #expect(audit.html.contains("STUDIO") && audit.html.contains("boss@example.com") && !audit.html.contains("workflow.create"))
        }
    }

    @Test func aBrandStepRunsAgainFromTheConsoleAndProblemsAreGrouped() async throws {
        try await withLibrary { l in
            let (boss, _) = try await l.client.signIn("boss@example.com", db: l.db)
            let brand = l.fixture.brandID
            try await l.db.execute(
                """
                INSERT INTO brand_extraction_status (brand_id, fonts_status, fonts_error, colors_status, logo_status, hero_status, insights_status)
                VALUES (\(brand), 'error', 'fetch failed: 503 at step 2', 'ok', 'ok', 'ok', 'ok')
                ON CONFLICT (brand_id) DO UPDATE SET fonts_status = 'error', fonts_error = 'fetch failed: 503 at step 2'
                """)
            let path = "/admin/brands/" + brand.uuidString.lowercased()
            let shown = try await page(l.client, .get, path, session: boss)
            #expect(shown.html.contains("fetch failed: 503 at step 2") && shown.html.contains("Run fonts again"))
            let problems = try await page(l.client, .get, "/admin/extraction-problems", session: boss)
            #expect(problems.html.contains("kettle.example") && problems.html.contains(path))
            let rerun = try await page(l.client, .post, path + "/rerun", session: boss, form: "_csrf=\(CSRF.token(for: boss))&step=fonts")
            #expect(rerun.location == path + "?done=rerun")
            #expect(try await l.db.one("SELECT fonts_status FROM brand_extraction_status WHERE brand_id = \(brand)", as: String.self) == "pending")
            #expect(try await l.db.one("SELECT count(*)::int FROM admin_audit WHERE action = 'brand.rerun_step'", as: Int.self) == 1)
        }
    }
}
