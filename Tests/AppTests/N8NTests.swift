import App
import Foundation
import Generation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationCompat
import PostgresNIO
import Prometheus
import TaskQueue
import TestSupport
import Testing

/// External workflows through a stand-in n8n that really calls back over HTTP: the app also
/// serves on a known loopback port (the callback URL) while the tests call it in-process.
@Suite struct N8NTests {
    private func withN8N(
        workflow: String, callbackTimeout: Int = 600,
        _ body: @escaping @Sendable (any TestClientProtocol, TestDatabase, N8NTestServer, _ token: String, _ brandID: String) async throws -> Void
    ) async throws {
        let n8n = try N8NTestServer()
        try await n8n.start()
        defer { n8n.stop() }
        // Held for the whole test: the app's server binds it alongside the reservation.
        let reservation = try PortReservation()
        defer { reservation.release() }
        let port = reservation.port
        let environment = [
            "BLUMPO_PORT": String(port), "BLUMPO_BASE_URL": "http://127.0.0.1:\(port)",
            "BLUMPO_DATA_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("n8n-\(UUID().uuidString)").path,
            "N8N_BASE_URL": n8n.baseURL, "N8N_WEBHOOK_KEY": N8NTestServer.webhookKey, "N8N_CALLBACK_TIMEOUT_SECONDS": String(callbackTimeout),
            "BLUMPO_QUEUE_POLL_MS": "50", "BLUMPO_SCRYPT_LOG_N": "10", "BLUMPO_FETCH_LOOPBACK_ONLY": "1",
        ]
        try await TestDatabase.with { db in
            try await db.execute("UPDATE ad_workflow SET is_active = false WHERE archetype_code = 'meme'")
            try await db.execute("UPDATE generation_pricing SET rules = rules || '{\"variants_per_format\": 1}' WHERE is_active")
            try await db.execute(
                "INSERT INTO ad_workflow (archetype_code, workflow_uid, variant_key, format) VALUES ('meme', \("n8n:\(workflow)"), 'n8n', 'square')")
            let configuration = try AppConfiguration(environment: environment)
            let dependencies = AppDependencies(configuration: configuration, client: db.client, metrics: PrometheusCollectorRegistry(), logger: db.logger)
            let worker = try BackgroundWork(configuration: configuration, logger: db.logger).worker(client: db.client, logger: db.logger)
            let server = try buildApplication(dependencies)
            try await withRunningServices([worker, server], logger: db.logger) {
                try await buildApplication(dependencies).test(.router) { client in
                    let (token, _) = try await client.signIn("n8n-\(workflow)@example.com", db: db)
                    let brand = try await client.json(
                        .post, "/api/v1/brands", body: ["website_url": "https://orbitly.example", "name": "Orbitly"], token: token)
                    try await body(client, db, n8n, token, try #require(brand.body["id"] as? String))
                }
            }
        }
    }

    private func createJob(_ client: any TestClientProtocol, token: String, brandID: String) async throws -> String {
        let created = try await client.json(.post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "meme", "formats": ["square"]], token: token)
        #expect(created.status == .created)
        return try #require(created.body["id"] as? String)
    }

    private func finished(_ client: any TestClientProtocol, _ db: TestDatabase, job: String, token: String) async throws -> [String: Any] {
        var body: [String: Any] = [:]
        #expect(try await db.eventually(timeout: .seconds(30)) {
            body = try await client.json(.get, "/api/v1/generation-jobs/\(job)", token: token).body
            return body["completed_at"] is String
        })
        return body
    }

    @Test func aWorkflowThatCallsBackWithAnImageCompletesTheJobAndReplaysAreRefused() async throws {
        try await withN8N(workflow: "good") { client, db, n8n, token, brandID in
            let jobID = try await createJob(client, token: token, brandID: brandID)
            let job = try await finished(client, db, job: jobID, token: token)
            #expect(job["status"] as? String == "SUCCEEDED")
            let image = try #require((job["images"] as? [[String: Any]])?.first)
            #expect(image["width"] as? Int == 1080)
            #expect(image["format"] as? String == "WEBP")

            let brief = try #require(n8n.requests().first)
            #expect(brief["path"] as? String == "/webhook/good")
            #expect(brief["key"] as? String == N8NTestServer.webhookKey)
            let payload = try #require(brief["body"] as? [String: Any])
            #expect(payload["job_id"] as? String == jobID)
            #expect((payload["callback_url"] as? String)?.hasSuffix("/api/v1/workflows/callback") == true)
            #expect((payload["copy"] as? [String: Any])?["headline"] is String)
            #expect((payload["brand"] as? [String: Any])?["name"] as? String == "Orbitly")

            // The stand-in logs its callback after our answer reaches it: the job may finish first.
            #expect(try await db.eventually { !n8n.callbacks().isEmpty })
            let callback = try #require(n8n.callbacks().first)
            #expect(callback["status"] as? Int == 204)
            let body = try #require(callback["body"] as? String)
            let signature = try #require(callback["signature"] as? String)
            func post(_ signature: String, _ body: String) async throws -> (HTTPResponse.Status, String?) {
                try await client.execute(
                    uri: "/api/v1/workflows/callback", method: .post,
                    headers: [.contentType: "application/json", HTTPField.Name("X-Blumpo-Signature")!: signature], body: ByteBuffer(string: body)
                ) { response in
                    (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["code"] as? String)
                }
            }
            let replay = try await post(signature, body)
            #expect(replay.0 == .conflict)
            #expect(replay.1 == "VARIANT_FINISHED")
            let forged = try await post(signature.replacingOccurrences(of: "v1=", with: "v1=00"), body)
            #expect(forged.0 == .unauthorized)
            #expect(forged.1 == "SIGNATURE_INVALID")
            let unknown = try await post(signature, body.replacingOccurrences(of: payload["variant_id"] as! String, with: UUID().uuidString.lowercased()))
            #expect(unknown.0 == .notFound)
        }
    }

    @Test func anImageURLOnAPrivateAddressIsRefusedAndTheJobRefunded() async throws {
        try await withN8N(workflow: "private-url") { client, db, n8n, token, brandID in
            let jobID = try await createJob(client, token: token, brandID: brandID)
            let job = try await finished(client, db, job: jobID, token: token)
            #expect(job["status"] as? String == "FAILED")
            #expect((job["error_message"] as? String)?.contains("resolves to an address that is not public") == true)
            #expect(try await db.eventually { !n8n.callbacks().isEmpty })
            #expect(n8n.callbacks().first?["status"] as? Int == 422)
            #expect(try await db.one("SELECT balance FROM token_account", as: Int64.self) == Int64(50))
        }
    }

    @Test func aWorkflowThatNeverCallsBackFailsAtItsDeadline() async throws {
        try await withN8N(workflow: "silent", callbackTimeout: 1) { client, db, n8n, token, brandID in
            let jobID = try await createJob(client, token: token, brandID: brandID)
            #expect(try await db.eventually(timeout: .seconds(20)) { !n8n.requests().isEmpty })
            // The sweep fails only variants whose callback deadline has passed.
            #expect(try await db.eventually {
                try await db.one("SELECT count(*)::int FROM generation_variant WHERE status = 'RUNNING' AND deadline_at < now()", as: Int.self) == 1
            })
            try await db.client.withConnection { connection in
                _ = try await TaskStore().enqueue([try NewTask(kind: SweepStaleJobs.kind, payload: EmptyPayload())], on: connection, logger: db.logger)
            }
            let job = try await finished(client, db, job: jobID, token: token)
            #expect(job["status"] as? String == "FAILED")
            #expect(((job["variants"] as? [[String: Any]])?.first?["error"] as? String) == "the workflow did not call back in time")
            #expect(try await db.one("SELECT balance FROM token_account", as: Int64.self) == Int64(50))
        }
    }
}
