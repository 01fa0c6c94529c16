import Analytics
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import TestSupport
import Testing

/// `GET /api/v1/analytics` against a fixture whose every number was worked out by hand.
@Suite struct AnalyticsRoutesTests {
    /// A's brand X (…b1) and Y (…b2), B's brand Z (…b3); one job each. A's images: i1–i3 meme,
    /// i4 testimonial in X, i5 testimonial in Y; i6 made the day before the period, i7 exactly at
    /// its end (both outside). B's j1 meme. Period: 2026-01-01 … 2026-01-10 (ten UTC days).
    static func fixture(a: String, b: String) -> [String] {
        let image = { (id: String, user: String, brand: String, job: String, archetype: String, at: String) in
            """
            INSERT INTO ad_image (id, job_id, user_id, brand_id, created_at, storage_key, archetypes, workflow_id)
            SELECT '\(id)', '\(job)', '\(user)', '\(brand)', '\(at)', 'k/\(id)', ARRAY['\(archetype)'], id
            FROM ad_workflow WHERE archetype_code = '\(archetype)' AND variant_key = 'builtin'
            """
        }
        let event = { (image: String, type: String, at: String) in
            """
            INSERT INTO ad_event (created_at, user_id, brand_id, job_id, ad_image_id, archetype_code, workflow_id, event_type, event_source)
            SELECT '\(at)', user_id, brand_id, job_id, id, archetypes[1], workflow_id, '\(type)', 'ui' FROM ad_image WHERE id = '\(image)'
            """
        }
        let (x, y, z, ja, jb) = (id("b1"), id("b2"), id("b3"), id("c1"), id("c2"))
        return [
            "INSERT INTO \"user\" (id, email) VALUES ('\(b)', 'b@example.com')",
            "INSERT INTO brand (id, user_id, name, website_url) VALUES ('\(x)', '\(a)', 'X', 'https://x.test'), ('\(y)', '\(a)', 'Y', 'https://y.test'), ('\(z)', '\(b)', 'Z', 'https://z.test')",
            "INSERT INTO generation_job (id, user_id, brand_id) VALUES ('\(ja)', '\(a)', '\(x)'), ('\(jb)', '\(b)', '\(z)')",
            image(id("a1"), a, x, ja, "meme", "2026-01-02T10:00:00Z"), image(id("a2"), a, x, ja, "meme", "2026-01-02T11:00:00Z"),
            image(id("a3"), a, x, ja, "meme", "2026-01-05T09:00:00Z"), image(id("a4"), a, x, ja, "testimonial", "2026-01-05T12:00:00Z"),
            image(id("a5"), a, y, ja, "testimonial", "2026-01-09T23:30:00Z"), image(id("a6"), a, x, ja, "meme", "2025-12-31T23:00:00Z"),
            image(id("a7"), a, x, ja, "testimonial", "2026-01-11T00:00:00Z"), image(id("f1"), b, z, jb, "meme", "2026-01-03T00:00:00Z"),
            event(id("a1"), "saved", "2026-01-02T12:00:00Z"), event(id("a1"), "saved", "2026-01-03T07:00:00Z"),
            event(id("a1"), "downloaded", "2026-01-03T08:00:00Z"), event(id("a2"), "downloaded", "2026-01-02T12:00:00Z"),
            event(id("a2"), "shared", "2026-01-04T10:00:00Z"), event(id("a2"), "deleted", "2026-01-04T11:00:00Z"),
            event(id("a2"), "restored", "2026-01-05T10:00:00Z"), event(id("a3"), "viewed", "2026-01-05T10:00:00Z"),
            event(id("a4"), "saved", "2026-01-06T10:00:00Z"), event(id("a4"), "deleted", "2026-01-06T11:00:00Z"),
            event(id("a5"), "downloaded", "2026-01-10T23:59:59Z"), event(id("a5"), "saved", "2026-01-10T12:00:00Z"),
            event(id("a6"), "saved", "2026-01-01T01:00:00Z"), event(id("a3"), "saved", "2026-01-11T00:00:01Z"),
            event(id("f1"), "saved", "2026-01-03T01:00:00Z"),
        ]
    }

    static func id(_ suffix: String) -> String { "00000000-0000-4000-8000-0000000000\(suffix)" }

    static let period = "from=2026-01-01&to=2026-01-10"

    func withFixture(_ body: @escaping @Sendable (any TestClientProtocol, String) async throws -> Void) async throws {
        try await withTestApp { client, db in
            let (token, userA) = try await client.signIn("a@example.com", db: db)
            for statement in Self.fixture(a: userA.lowercased(), b: Self.id("bb")) { try await db.execute(PostgresQuery(unsafeSQL: statement)) }
            try await body(client, token)
        }
    }

    static func action(_ group: [String: Any], _ name: String) -> (Int?, Double?) {
        let entry = group[name] as? [String: Any]
        return (entry?["count"] as? Int, entry?["rate"] as? Double)
    }

    @Test func perArchetypeAndWorkflowEveryImageCountsOnceAndOnlyTheCallersPeriodCounts() async throws {
        try await withFixture { client, token in
            let report = try await client.json(.get, "/api/v1/analytics?\(Self.period)", token: token)
            #expect(report.status == .ok)
            #expect(report.body["from"] as? String == "2026-01-01T00:00:00Z")
            #expect(report.body["to"] as? String == "2026-01-11T00:00:00Z")
            let totals = try #require(report.body["totals"] as? [String: Any])
            #expect(totals["generated"] as? Int == 5)
            #expect(Self.action(totals, "saved") == (3, 0.6))
            #expect(Self.action(totals, "downloaded") == (3, 0.6))
            #expect(Self.action(totals, "shared") == (1, 0.2))
            #expect(Self.action(totals, "deleted") == (2, 0.4))
            #expect(Self.action(totals, "restored") == (1, 0.2))
            // Testimonial keeps (2 saved + 1 downloaded) / 2 = 1.5; meme (1 + 2) / 3 = 1.0.
            let archetypes = try #require(report.body["archetypes"] as? [[String: Any]])
            #expect(archetypes.map { $0["archetype_code"] as? String } == ["testimonial", "meme"])
            #expect(archetypes.map { $0["keep_score"] as? Double } == [1.5, 1.0])
            let meme = archetypes[1]
            #expect(meme["generated"] as? Int == 3)
            #expect(Self.action(meme, "saved").0 == 1 && Self.action(meme, "downloaded").0 == 2)
            #expect(Self.action(meme, "shared").0 == 1 && Self.action(meme, "deleted").0 == 1 && Self.action(meme, "restored").0 == 1)
            let testimonial = archetypes[0]
            #expect(testimonial["generated"] as? Int == 2)
            #expect(Self.action(testimonial, "saved") == (2, 1.0) && Self.action(testimonial, "downloaded") == (1, 0.5))
            #expect(Self.action(testimonial, "deleted") == (1, 0.5) && Self.action(testimonial, "shared") == (0, 0.0))
            let workflows = try #require(report.body["workflows"] as? [[String: Any]])
            #expect(workflows.map { $0["workflow_uid"] as? String } == ["builtin:testimonial", "builtin:meme"])
            #expect(workflows.map { $0["generated"] as? Int } == [2, 3])
            #expect((workflows[0]["workflow_id"] as? String).map { $0 == $0.lowercased() } == true)
        }
    }

    @Test func theDailySeriesHasEveryDayWithImagesPerEventType() async throws {
        try await withFixture { client, token in
            let report = try await client.json(.get, "/api/v1/analytics?\(Self.period)", token: token)
            let daily = try #require(report.body["daily"] as? [[String: Any]])
            #expect(daily.count == 10)
            #expect(daily.first?["date"] as? String == "2026-01-01" && daily.last?["date"] as? String == "2026-01-10")
            #expect(daily.map { $0["generated"] as? Int } == [0, 2, 0, 0, 2, 0, 0, 0, 1, 0])
            func series(_ type: String) -> [Int?] { daily.map { ($0["events"] as? [String: Any])?[type] as? Int } }
            #expect(series("saved") == [1, 1, 1, 0, 0, 1, 0, 0, 0, 1])
            #expect(series("downloaded") == [0, 1, 1, 0, 0, 0, 0, 0, 0, 1])
            #expect(series("shared") == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
            #expect(series("deleted") == [0, 0, 0, 1, 0, 1, 0, 0, 0, 0])
            #expect(series("restored") == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0])
            #expect(series("viewed") == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0])
            #expect(series("review_kept") == Array(repeating: 0, count: 10))
        }
    }

    @Test func oneBrandOfTheCallersAndNeverAnotherUsers() async throws {
        try await withFixture { client, token in
            let own = try await client.json(.get, "/api/v1/analytics?\(Self.period)&brand_id=\(Self.id("b2"))", token: token)
            #expect(own.status == .ok)
            let totals = try #require(own.body["totals"] as? [String: Any])
            #expect(totals["generated"] as? Int == 1)
            #expect(Self.action(totals, "saved") == (1, 1.0) && Self.action(totals, "downloaded") == (1, 1.0))
            #expect(own.body["brand_id"] as? String == Self.id("b2"))
            for brand in [Self.id("b3"), Self.id("ff")] {
                let other = try await client.json(.get, "/api/v1/analytics?brand_id=\(brand)", token: token)
                #expect(other.status == .notFound)
                #expect(other.body["code"] as? String == "NOT_FOUND")
            }
            let garbage = try await client.json(.get, "/api/v1/analytics?brand_id=nope", token: token)
            #expect(garbage.status == .unprocessableContent && (garbage.body["errors"] as? [String: Any])?["brand_id"] != nil)
        }
    }

    @Test func badPeriodsAreRefusedNamingTheField() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("a@example.com", db: db)
            let cases = [
                ("from=2026-13-01", "from"), ("to=yesterday", "to"), ("from=2026-02-30", "from"), ("from=2026-01-01T25:00:00Z", "from"),
                ("from=2026-01-10&to=2026-01-01", "to"), ("from=2025-01-01&to=2026-01-02", "to"), ("from=1969-12-31", "from"),
                ("from=2026-01-01T00:00:00", "from"), ("to=" + String(repeating: "9", count: 500), "to"),
            ]
            for (query, field) in cases {
                let answer = try await client.json(.get, "/api/v1/analytics?\(query)", token: token)
                #expect(answer.status == .unprocessableContent, "\(query)")
                #expect(answer.body["code"] as? String == "VALIDATION")
                #expect((answer.body["errors"] as? [String: Any])?[field] != nil, "\(query)")
            }
            let unauthenticated = try await client.json(.get, "/api/v1/analytics")
            #expect(unauthenticated.status == .unauthorized)
        }
    }

    @Test func periodsAreTimesOrWholeUTCDays() throws {
        let offset = try ReportRange(from: "2026-01-01T02:00:00.5+02:00", to: "2026-01-31")
        #expect(offset.from == Date(timeIntervalSince1970: 1_767_225_600.5))
        #expect(offset.to == Date(timeIntervalSince1970: 1_767_225_600 + 31 * 86_400))
        #expect(offset.previous.to == offset.from && offset.previous.from == offset.from.addingTimeInterval(-(31 * 86_400 - 0.5)))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let standard = try ReportRange(from: nil, to: nil, now: now)
        #expect(standard.to == now && standard.from == now.addingTimeInterval(-30 * 86_400))
        let leapYear = try ReportRange(from: "2024-01-01", to: "2024-12-31")
        #expect(leapYear.to.timeIntervalSince(leapYear.from) == 366 * 86_400)
    }
}
