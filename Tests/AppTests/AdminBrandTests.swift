import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import TestSupport
import Testing

/// Brands across users with their extraction outcome, the extraction problems view, and the
/// user detail that gathers a user's brands, jobs and ledger.
@Suite struct AdminBrandTests {
    static let admin = ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]

    /// A brand whose steps ended as given (`""` → ok, absent → pending), last updated
    /// `minutesAgo` (one insert: an update would touch `updated_at`).
    func brand(_ db: TestDatabase, user: String, url: String, errors: [String: String], minutesAgo: Int = 0) async throws -> UUID {
        let id = UUID()
        try await db.execute("INSERT INTO brand (id, user_id, name, website_url) VALUES (\(id), \(UUID(uuidString: user)!), 'B', \(url))")
        func status(_ step: String) -> String { errors[step].map { $0.isEmpty ? "ok" : "error" } ?? "pending" }
        func error(_ step: String) -> String? { errors[step].flatMap { $0.isEmpty ? nil : $0 } }
        try await db.execute(
            """
            INSERT INTO brand_extraction_status (brand_id, evidence, fonts_status, fonts_error, colors_status, colors_error, logo_status, logo_error,
                hero_status, hero_error, insights_status, insights_error, reddit_status, reddit_error, updated_at)
            VALUES (\(id), '{"logo": {"source": "header img"}}', \(status("fonts")), \(error("fonts")), \(status("colors")), \(error("colors")),
                \(status("logo")), \(error("logo")), \(status("hero")), \(error("hero")), \(status("insights")), \(error("insights")),
                \(status("reddit")), \(error("reddit")),
                now() - make_interval(mins => \(Int32(minutesAgo))))
            """)
        return id
    }

    static let allOK = ["fonts": "", "colors": "", "logo": "", "hero": "", "insights": "", "reddit": ""]

    @Test func brandsAreListedWithTheirExtractionStatusAndShownWithEvidence() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            let (_, user) = try await client.signIn("owner@example.com", db: db)
            var failing = Self.allOK
            failing["logo"] = "no logo candidate on https://shop.example/p/123"
            let ok = try await brand(db, user: user, url: "https://ok.example", errors: Self.allOK)
            let partial = try await brand(db, user: user, url: "https://shop.example", errors: failing)
            let pending = try await brand(db, user: user, url: "https://new.example", errors: [:])
            let page = try await client.json(.get, "/api/v1/admin/brands", token: boss)
            let items = try #require(page.body["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["id"] as? String } == [pending, partial, ok].map { $0.uuidString.lowercased() })
            #expect(items.compactMap { ($0["extraction"] as? [String: Any])?["overall"] as? String } == ["pending", "partial", "ok"])
            let partials = try await client.json(.get, "/api/v1/admin/brands?status=partial&query=SHOP", token: boss)
            #expect((partials.body["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [partial.uuidString.lowercased()])
            #expect(try await client.json(.get, "/api/v1/admin/brands?status=broken", token: boss).status == .unprocessableContent)

            let detail = try await client.json(.get, "/api/v1/admin/brands/\(partial)", token: boss)
            let extraction = try #require(detail.body["extraction"] as? [String: Any])
            #expect(extraction["logo_status"] as? String == "error")
            #expect(extraction["logo_error"] as? String == "no logo candidate on https://shop.example/p/123")
            #expect(((detail.body["evidence"] as? [String: Any])?["logo"] as? [String: Any])?["source"] as? String == "header img")
            #expect(try await client.json(.get, "/api/v1/admin/brands/\(UUID())", token: boss).status == .notFound)
        }
    }

    @Test func extractionProblemsAreGroupedByStepReasonAndDomainNewestFirst() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            let (_, user) = try await client.signIn("owner@example.com", db: db)
            func failing(_ step: String, _ error: String) -> [String: String] {
                var errors = Self.allOK
                errors[step] = error
                return errors
            }
            _ = try await brand(db, user: user, url: "https://www.slow.example/a", errors: failing("hero", "timed out after 25 s"), minutesAgo: 30)
            _ = try await brand(db, user: user, url: "https://slow.example/b", errors: failing("hero", "timed out after 31 s"), minutesAgo: 20)
            _ = try await brand(db, user: user, url: "https://slow.example/c", errors: failing("logo", "timed out after 2 s"), minutesAgo: 10)
            _ = try await brand(db, user: user, url: "https://other.example", errors: failing("hero", "timed out after 9 s"), minutesAgo: 1)
            let problems = try await client.json(.get, "/api/v1/admin/extraction-problems", token: boss)
            let items = try #require(problems.body["items"] as? [[String: Any]])
            #expect(items.map { "\($0["step"] ?? "") \($0["domain"] ?? "") \($0["count"] ?? "")" } == [
                "hero other.example 1", "logo slow.example 1", "hero slow.example 2",
            ])
            #expect(items.allSatisfy { $0["reason"] as? String == "timed out after <n> s" })
            #expect((items.last?["brand_ids"] as? [String])?.count == 2)
            let heroOnly = try await client.json(.get, "/api/v1/admin/extraction-problems?step=hero&limit=1", token: boss)
            #expect((heroOnly.body["items"] as? [[String: Any]])?.compactMap { $0["domain"] as? String } == ["other.example"])
        }
    }

    @Test func aUserDetailHasTheirBrandsJobsLedgerAndAdminFlag() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (boss, bossID) = try await client.signIn("boss@example.com", db: db)
            let (_, user) = try await client.signIn("owner@example.com", db: db)
            let fixture = try await AdminJobFixture.seed(db, userID: try #require(UUID(uuidString: user)), cost: 0, errors: ["x"])
            let detail = try await client.json(.get, "/api/v1/admin/users/\(user)", token: boss)
            #expect(detail.body["is_admin"] as? Bool == false)
            #expect((detail.body["tokens"] as? [String: Any])?["balance"] as? Int == 50)
            #expect(((detail.body["brands"] as? [String: Any])?["items"] as? [[String: Any]])?.first?["id"] as? String == fixture.brandID.uuidString.lowercased())
            #expect(((detail.body["jobs"] as? [String: Any])?["items"] as? [[String: Any]])?.first?["id"] as? String == fixture.jobID.uuidString.lowercased())
            #expect(((detail.body["ledger"] as? [String: Any])?["items"] as? [[String: Any]])?.first?["reason"] as? String == "SIGNUP_GRANT")
            #expect(try await client.json(.get, "/api/v1/admin/users/\(bossID)", token: boss).body["is_admin"] as? Bool == true)
            let ledger = try await client.json(.get, "/api/v1/admin/users/\(user)/ledger?limit=1", token: boss)
            #expect((ledger.body["items"] as? [[String: Any]])?.count == 1)
        }
    }
}
