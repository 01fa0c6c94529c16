import App
import Core
import Foundation
import Generation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import TestSupport
import Testing

@Suite struct AdminJobTests {
    static let admin = ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]

    @Test func theSameErrorFromManyVariantsIsOneBucketWithACount() {
        let ids = (0..<5).map { _ in UUID() }
        let buckets = ErrorBucket.group([
            (ids[0], "n8n answered HTTP 502 for workflow ads/v2"),
            (ids[1], "render of 7f3e9a1c-0b5d-4c1e-9a8b-112233445566 timed out after 30 s"),
            (ids[2], "render of 91ac0000-0b5d-4c1e-9a8b-665544332211 timed out after 12 s"),
            (ids[3], "render of 0badf00d-0b5d-4c1e-9a8b-aabbccddeeff timed out after 7 s"),
            (ids[4], "n8n answered HTTP 504 for workflow ads/v2"),
        ])
        #expect(buckets.map(\.reason) == ["render of <id> timed out after <n> s", "n8n answered HTTP <n> for workflow ads/v2"])
        #expect(buckets.map(\.count) == [3, 2])
        #expect(buckets[0].variantIDs == [ids[1], ids[2], ids[3]].map { $0.uuidString.lowercased() })
        #expect(buckets[0].example == "render of 7f3e9a1c-0b5d-4c1e-9a8b-112233445566 timed out after 30 s")
        #expect(ErrorText.normalized("a\r\n  b\tsha 3f2a9c81d0 took 30ms") == "a b sha <id> took <n>ms")
    }

    @Test func aJobDetailShowsVariantsWithAttemptsDurationsAndErrorBuckets() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (_, userID) = try await client.signIn("maker@example.com", db: db)
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            let fixture = try await AdminJobFixture.seed(
                db, userID: try #require(UUID(uuidString: userID)), cost: 30,
                errors: ["logo 1234 missing", "logo 98 missing", "font 'X' not installed", nil])
            let detail = try await client.json(.get, "/api/v1/admin/jobs/\(fixture.jobID)", token: boss)
            #expect(detail.status == .ok)
            let variants = try #require(detail.body["variants"] as? [[String: Any]])
            #expect(variants.map { $0["status"] as? String } == ["FAILED", "FAILED", "FAILED", "QUEUED"])
            #expect(variants.map { $0["attempts"] as? Int } == [3, 3, 3, 0])
            #expect(variants[0]["max_attempts"] as? Int == 3)
            #expect(variants[0]["duration_ms"] as? Int == 2000)
            #expect(variants[3]["duration_ms"] is NSNull)
            #expect(variants[0]["task_state"] as? String == "failed")
            let buckets = try #require(detail.body["error_buckets"] as? [[String: Any]])
            #expect(buckets.map { $0["reason"] as? String } == ["logo <n> missing", "font 'X' not installed"])
            #expect(buckets.map { $0["count"] as? Int } == [2, 1])
            #expect((detail.body["job"] as? [String: Any])?["id"] as? String == fixture.jobID.uuidString.lowercased())
        }
    }

    @Test func jobsAreListedAcrossUsersWithFiltersAndCursors() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (_, first) = try await client.signIn("first@example.com", db: db)
            let (_, second) = try await client.signIn("second@example.com", db: db)
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            for user in [first, first, second] {
                _ = try await AdminJobFixture.seed(db, userID: try #require(UUID(uuidString: user)), cost: 0, errors: ["x"])
            }
            try await db.execute("UPDATE generation_job SET status = 'FAILED' WHERE user_id = \(try #require(UUID(uuidString: second)))")
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.json(.get, "/api/v1/admin/jobs?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: boss)
                seen += (page.body["items"] as? [[String: Any]] ?? []).compactMap { $0["user_id"] as? String }
                cursor = page.body["next_cursor"] as? String
            } while cursor != nil
            #expect(seen.count == 3)
            let failed = try await client.json(.get, "/api/v1/admin/jobs?status=FAILED", token: boss)
            #expect((failed.body["items"] as? [[String: Any]])?.map { $0["user_id"] as? String } == [second])
            let mine = try await client.json(.get, "/api/v1/admin/jobs?user_id=\(first)&archetype=meme&from=2000-01-01", token: boss)
            #expect((mine.body["items"] as? [[String: Any]])?.count == 2)
            let future = try await client.json(.get, "/api/v1/admin/jobs?from=2999-01-01T00:00:00Z", token: boss)
            #expect((future.body["items"] as? [[String: Any]])?.isEmpty == true)
            let bad = try await client.json(.get, "/api/v1/admin/jobs?status=DONE", token: boss)
            #expect(bad.status == .unprocessableContent)
            #expect((bad.body["errors"] as? [String: String])?["status"] != nil)
        }
    }

    @Test func anAdminCancelSkipsQueuedVariantsRefundsAndIsAudited() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (token, userID) = try await client.signIn("maker@example.com", db: db)
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            let fixture = try await AdminJobFixture.seed(db, userID: try #require(UUID(uuidString: userID)), cost: 30, errors: ["boom", nil])
            let canceled = try await client.json(.post, "/api/v1/admin/jobs/\(fixture.jobID)/cancel", token: boss)
            #expect(canceled.status == .ok)
            #expect((canceled.body["job"] as? [String: Any])?["status"] as? String == "CANCELED")
            #expect((canceled.body["variants"] as? [[String: Any]])?.last?["status"] as? String == "SKIPPED")
            // No image at all: the whole price back, as when the owner cancels.
            #expect(try await client.json(.get, "/api/v1/tokens", token: token).body["balance"] as? Int == 50 + 30)
            let again = try await client.json(.post, "/api/v1/admin/jobs/\(fixture.jobID)/cancel", token: boss)
            #expect(again.status == .conflict)
            #expect(again.body["code"] as? String == "JOB_FINISHED")
            let audit = try await client.json(.get, "/api/v1/admin/audit?target_type=generation_job&target_id=\(fixture.jobID.uuidString.lowercased())", token: boss)
            let entries = try #require(audit.body["items"] as? [[String: Any]])
            #expect(entries.count == 1)
            #expect((entries.first?["before"] as? [String: Any])?["status"] as? String == "RUNNING")
            #expect((entries.first?["after"] as? [String: Any])?["status"] as? String == "CANCELED")
            #expect(try await client.json(.post, "/api/v1/admin/jobs/\(UUID())/cancel", token: boss).status == .notFound)
        }
    }
}
