import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import TestSupport
import Testing

/// `GET /api/v1/admin/kpis` against a fixture whose every number was worked out by hand.
/// Period 2026-01-01 … 2026-01-10; the previous period is 2025-12-22 … 2025-12-31.
@Suite struct AdminKPITests {
    static func u(_ n: Int) -> String { "00000000-0000-4000-8000-00000000000\(n)" }
    static func b(_ n: Int) -> String { "00000000-0000-4000-9000-00000000000\(n)" }
    static func j(_ n: Int) -> String { "00000000-0000-4000-a000-00000000000\(n)" }

    static let fixture: [String] = [
        // u1 joined in the previous period, u2 and u3 on Jan 2, u4 on Jan 5.
        """
        INSERT INTO "user" (id, email, created_at) VALUES ('\(u(1))', 'u1@example.com', '2025-12-25T00:00:00Z'),
            ('\(u(2))', 'u2@example.com', '2026-01-02T08:00:00Z'), ('\(u(3))', 'u3@example.com', '2026-01-02T09:00:00Z'),
            ('\(u(4))', 'u4@example.com', '2026-01-05T09:00:00Z')
        """,
        """
        INSERT INTO token_account (user_id, plan_code) VALUES ('\(u(1))', 'FREE'), ('\(u(2))', 'STARTER'), ('\(u(3))', 'STARTER'), ('\(u(4))', 'TEAM')
        """,
        // A session seen in both periods (u1), one opened after (u4).
        """
        INSERT INTO auth_session (user_id, token_hash, created_at, last_seen_at, expires_at) VALUES
            ('\(u(1))', '\\x01', '2025-12-25T00:00:00Z', '2026-01-03T00:00:00Z', '2026-02-01T00:00:00Z'),
            ('\(u(4))', '\\x02', '2026-01-20T00:00:00Z', '2026-01-20T00:00:00Z', '2026-02-20T00:00:00Z')
        """,
        // b3 is deleted.
        """
        INSERT INTO brand (id, user_id, name, website_url, created_at, is_deleted) VALUES
            ('\(b(1))', '\(u(1))', 'B1', 'https://b1.test', '2025-12-26T00:00:00Z', false),
            ('\(b(2))', '\(u(2))', 'B2', 'https://b2.test', '2026-01-03T00:00:00Z', false),
            ('\(b(3))', '\(u(3))', 'B3', 'https://b3.test', '2026-01-04T00:00:00Z', true)
        """,
        """
        INSERT INTO brand_extraction_status (brand_id, logo_status, logo_error, hero_status, hero_error, updated_at) VALUES
            ('\(b(1))', 'error', 'no logo candidate', 'error', 'no hero image', '2026-01-03T00:00:00Z'),
            ('\(b(2))', 'error', 'no logo candidate', 'ok', NULL, '2026-01-05T00:00:00Z'),
            ('\(b(3))', 'error', 'fetch refused', 'ok', NULL, '2025-12-27T00:00:00Z')
        """,
        // Finished jobs took 10, 20 and 30 s (40 s in the previous period); the cancelled one is no finish.
        """
        INSERT INTO generation_job (id, user_id, created_at, status, started_at, completed_at) VALUES
            ('\(j(1))', '\(u(2))', '2026-01-02T10:00:00Z', 'SUCCEEDED', '2026-01-02T10:00:00Z', '2026-01-02T10:00:10Z'),
            ('\(j(2))', '\(u(2))', '2026-01-02T11:00:00Z', 'SUCCEEDED', '2026-01-02T11:00:00Z', '2026-01-02T11:00:20Z'),
            ('\(j(3))', '\(u(3))', '2026-01-03T10:00:00Z', 'FAILED', '2026-01-03T10:00:00Z', '2026-01-03T10:00:30Z'),
            ('\(j(4))', '\(u(3))', '2026-01-04T10:00:00Z', 'CANCELED', '2026-01-04T10:00:00Z', '2026-01-04T10:00:05Z'),
            ('\(j(5))', '\(u(2))', '2026-01-05T10:00:00Z', 'RUNNING', '2026-01-05T10:00:00Z', NULL),
            ('\(j(6))', '\(u(1))', '2025-12-28T10:00:00Z', 'SUCCEEDED', '2025-12-28T10:00:00Z', '2025-12-28T10:00:40Z')
        """,
        """
        INSERT INTO token_ledger (user_id, occurred_at, delta, reason, reference_id, balance_after) VALUES
            ('\(u(2))', '2026-01-02T08:00:00Z', 50, 'SIGNUP_GRANT', 'g2', 50), ('\(u(2))', '2026-01-02T10:00:00Z', -100, 'JOB_RESERVE', 'r1', 0),
            ('\(u(3))', '2026-01-03T10:00:00Z', -100, 'JOB_RESERVE', 'r3', 0), ('\(u(3))', '2026-01-03T10:01:00Z', 100, 'JOB_REFUND', 'f3', 100),
            ('\(u(2))', '2026-01-04T10:00:00Z', 500, 'TOPUP_PURCHASE', 't2', 500), ('\(u(4))', '2026-01-05T10:00:00Z', -20, 'ADMIN_ADJUST', 'a4', 0),
            ('\(u(1))', '2025-12-26T10:00:00Z', 1000, 'SUBS_ACTIVATION', 's1', 1000)
        """,
        """
        INSERT INTO stripe_event (id, type, payload, received_at) VALUES ('e1', 'invoice.paid', '{}', '2026-01-02T10:00:00Z'),
            ('e2', 'invoice.paid', '{}', '2026-01-04T10:00:00Z'), ('e3', 'checkout.session.completed', '{}', '2026-01-04T11:00:00Z'),
            ('e4', 'invoice.paid', '{}', '2025-12-30T10:00:00Z')
        """,
        // Memes m1–m3 (m1 saved, m2 downloaded), testimonials t1, t2 (both saved); q1 in the previous period, saved.
        """
        INSERT INTO ad_image (id, job_id, user_id, created_at, storage_key, archetypes, workflow_id)
        SELECT image.id::uuid, '\(j(1))', '\(u(2))', image.at::timestamptz, image.id, ARRAY[image.archetype], w.id
        FROM (VALUES ('00000000-0000-4000-b000-000000000001', 'meme', '2026-01-02T10:00:10Z'),
                     ('00000000-0000-4000-b000-000000000002', 'meme', '2026-01-02T10:00:10Z'),
                     ('00000000-0000-4000-b000-000000000003', 'meme', '2026-01-05T10:00:00Z'),
                     ('00000000-0000-4000-b000-000000000004', 'testimonial', '2026-01-02T11:00:20Z'),
                     ('00000000-0000-4000-b000-000000000005', 'testimonial', '2026-01-03T00:00:00Z'),
                     ('00000000-0000-4000-b000-000000000006', 'meme', '2025-12-28T10:00:40Z')) AS image (id, archetype, at)
        JOIN ad_workflow w ON w.archetype_code = image.archetype AND w.variant_key = 'builtin'
        """,
        """
        INSERT INTO ad_event (created_at, user_id, ad_image_id, archetype_code, workflow_id, event_type, event_source)
        SELECT e.at::timestamptz, i.user_id, i.id, i.archetypes[1], i.workflow_id, e.type, 'ui'
        FROM (VALUES ('1', 'saved', '2026-01-03T00:00:00Z'), ('4', 'saved', '2026-01-03T00:00:00Z'), ('5', 'saved', '2026-01-04T00:00:00Z'),
                     ('2', 'downloaded', '2026-01-04T00:00:00Z'), ('6', 'saved', '2025-12-29T00:00:00Z')) AS e (image, type, at)
        JOIN ad_image i ON i.id = ('00000000-0000-4000-b000-00000000000' || e.image)::uuid
        """,
    ]

    @Test func kpisOfThePeriodAndThePreviousOne() async throws {
        try await withTestApp(environment: ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]) { client, db in
            let (token, _) = try await client.signIn("boss@example.com", db: db)
            for statement in Self.fixture { try await db.execute(PostgresQuery(unsafeSQL: statement)) }
            let answer = try await client.json(.get, "/api/v1/admin/kpis?from=2026-01-01&to=2026-01-10", token: token)
            #expect(answer.status == .ok)
            #expect(answer.body["previous_from"] as? String == "2025-12-22T00:00:00Z" && answer.body["previous_to"] as? String == "2026-01-01T00:00:00Z")
            let totals = try #require(answer.body["totals"] as? [String: Any])
            let expected: [String: Int] = [
                "users": 4, "new_users": 3, "active_users": 3, "brands": 2, "new_brands": 1, "jobs_total": 5, "tokens_granted": 530,
                "tokens_spent": 100, "stripe_events": 3, "images_generated": 5, "images_saved": 3,
            ]
            for (key, value) in expected { #expect(totals[key] as? Int == value, "\(key)") }
            #expect(totals["jobs"] as? [String: Int] == ["queued": 0, "running": 1, "succeeded": 2, "failed": 1, "canceled": 1])
            #expect(abs((totals["success_rate"] as? Double ?? 0) - 2.0 / 3.0) < 1e-9)
            #expect(totals["job_seconds_median"] as? Double == 20 && totals["job_seconds_p95"] as? Double == 29)
            #expect(totals["save_rate"] as? Double == 0.6)
            let previous = try #require(answer.body["previous_totals"] as? [String: Any])
            let expectedBefore: [String: Int] = [
                "users": 1, "new_users": 1, "active_users": 1, "brands": 1, "new_brands": 1, "jobs_total": 1, "tokens_granted": 1000,
                "tokens_spent": 0, "stripe_events": 1, "images_generated": 1, "images_saved": 1,
            ]
            for (key, value) in expectedBefore { #expect(previous[key] as? Int == value, "previous \(key)") }
            #expect(previous["success_rate"] as? Double == 1 && previous["job_seconds_median"] as? Double == 40)
        }
    }

    @Test func breakdownsAndTheDailySeries() async throws {
        try await withTestApp(environment: ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]) { client, db in
            let (token, _) = try await client.signIn("boss@example.com", db: db)
            for statement in Self.fixture { try await db.execute(PostgresQuery(unsafeSQL: statement)) }
            let body = try await client.json(.get, "/api/v1/admin/kpis?from=2026-01-01&to=2026-01-10", token: token).body
            func pairs(_ key: String) -> [String] { (body[key] as? [[String: Any]] ?? []).map { "\($0["type"] ?? "")=\($0["count"] ?? "")" } }
            // The admin's own account (FREE) counts: plans are as of now.
            #expect(pairs("accounts_by_plan") == ["FREE=2", "STARTER=2", "TEAM=1"])
            #expect(pairs("tokens_by_reason") == ["ADMIN_ADJUST=-20", "JOB_REFUND=100", "JOB_RESERVE=-200", "SIGNUP_GRANT=50", "TOPUP_PURCHASE=500"])
            #expect(pairs("stripe_events_by_type") == ["invoice.paid=2", "checkout.session.completed=1"])
            let problems = (body["extraction_errors"] as? [[String: Any]] ?? []).map { "\($0["step"] ?? ""):\($0["reason"] ?? "")=\($0["brands"] ?? "")" }
            #expect(problems == ["logo:no logo candidate=2", "hero:no hero image=1"])
            let archetypes = try #require(body["archetypes"] as? [String: Any])
            func codes(_ list: String) -> [String?] { (archetypes[list] as? [[String: Any]] ?? []).map { $0["archetype_code"] as? String } }
            #expect(codes("by_use") == ["meme", "testimonial"])
            #expect(codes("by_save_rate") == ["testimonial", "meme"])
            let workflows = try #require(body["workflows"] as? [String: Any])
            #expect((workflows["by_save_rate"] as? [[String: Any]])?.first?["workflow_uid"] as? String == "builtin:testimonial")
            let daily = try #require(body["daily"] as? [[String: Any]])
            #expect(daily.count == 10)
            #expect(daily.map { $0["new_users"] as? Int } == [0, 2, 0, 0, 1, 0, 0, 0, 0, 0])
            #expect(daily.map { $0["tokens_granted"] as? Int } == [0, 50, 0, 500, -20, 0, 0, 0, 0, 0])
            #expect(daily.map { $0["tokens_spent"] as? Int } == [0, 100, 0, 0, 0, 0, 0, 0, 0, 0])
            #expect(daily.map { ($0["jobs"] as? [String: Int])?["succeeded"] } == [0, 2, 0, 0, 0, 0, 0, 0, 0, 0])
            #expect(daily.map { ($0["jobs"] as? [String: Int])?["failed"] } == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
            #expect(daily.map { ($0["stripe_events"] as? [[String: Any]])?.count } == [0, 1, 0, 2, 0, 0, 0, 0, 0, 0])
        }
    }

    @Test func theKPIsAreNotFoundForEveryoneButAdmins() async throws {
        try await withTestApp(environment: ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]) { client, db in
            let (token, _) = try await client.signIn("someone@example.com", db: db)
            let answer = try await client.json(.get, "/api/v1/admin/kpis", token: token)
            #expect(answer.status == .notFound)
            #expect(answer.body["code"] as? String == "NOT_FOUND")
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            let refused = try await client.json(.get, "/api/v1/admin/kpis?from=2026-01-10&to=2026-01-01", token: boss)
            #expect(refused.status == .unprocessableContent && (refused.body["errors"] as? [String: Any])?["to"] != nil)
        }
    }
}
