import Foundation
import PostgresNIO
import TestSupport

/// A job in the middle of going wrong, without running generation: a brand, a running job of
/// `variants` (errors as given, nil for a queued variant), and each variant's queue task with
/// its attempts.
struct AdminJobFixture {
    let brandID: UUID
    let jobID: UUID
    let variantIDs: [UUID]

    static func seed(_ db: TestDatabase, userID: UUID, cost: Int64, errors: [String?]) async throws -> AdminJobFixture {
        let brandID = UUID()
        let jobID = UUID()
        try await db.execute("INSERT INTO brand (id, user_id, name, website_url) VALUES (\(brandID), \(userID), 'Kettle', \("https://www.kettle-" + jobID.uuidString.prefix(8).lowercased() + ".example"))")
        try await db.execute(
            """
            INSERT INTO generation_job (id, user_id, brand_id, status, started_at, archetype_code, tokens_cost, expected_ads)
            VALUES (\(jobID), \(userID), \(brandID), 'RUNNING', now() - interval '1 minute', 'meme', \(cost), \(errors.count))
            """)
        var ids: [UUID] = []
        for (position, error) in errors.enumerated() {
            let id = UUID()
            let status = error == nil ? "QUEUED" : "FAILED"
            try await db.execute(
                """
                INSERT INTO generation_variant (id, job_id, position, archetype_code, workflow_uid, format, status, error, started_at, finished_at)
                VALUES (\(id), \(jobID), \(position), 'meme', 'builtin:meme', 'square', \(status), \(error),
                        CASE WHEN \(error != nil) THEN now() - interval '30 seconds' END, CASE WHEN \(error != nil) THEN now() - interval '28 seconds' END)
                """)
            let key = "variant:" + id.uuidString.lowercased()
            try await db.execute(
                """
                INSERT INTO queue_task (kind, payload, state, attempt, unique_key, last_error, run_at)
                VALUES ('generation.variant', \("{\"variant_id\": \"\(id.uuidString.lowercased())\"}")::jsonb,
                        \(error == nil ? "available" : "failed"), \(error == nil ? 0 : 3), \(key), \(error), now() + interval '1 hour')
                """)
            ids.append(id)
        }
        return AdminJobFixture(brandID: brandID, jobID: jobID, variantIDs: ids)
    }
}
