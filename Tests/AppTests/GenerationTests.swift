import App
import Billing
import Core
import Database
import Foundation
import Generation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Imaging
import Logging
import NIOCore
import NIOFoundationCompat
import PostgresNIO
import Storage
import Synchronization
import TaskQueue
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A renderer that fails for some formats and otherwise draws with the built-in one.
struct FailingRenderer: AdRenderer {
    let failing: Set<String>
    func render(_ request: RenderRequest) async throws -> RenderedAd {
        if failing.contains(request.format.code) { throw RenderError("test renderer refuses \(request.format.code)") }
        return try await BuiltinRenderer().render(request)
    }
}

/// A renderer that waits until the test opens the gate.
final class GatedRenderer: AdRenderer {
    let gate = Mutex(false)
    let started = Mutex(0)
    func render(_ request: RenderRequest) async throws -> RenderedAd {
        started.withLock { $0 += 1 }
        while !gate.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
        return try await BuiltinRenderer().render(request)
    }
}

/// What a generation test works with.
struct GenerationContext: Sendable {
    let client: any TestClientProtocol
    let db: TestDatabase
    let token: String
    let userID: UUID
    let brandID: String
    let environment: [String: String]
}

@Suite struct GenerationTests {
    /// The app, a worker (with `renderer`), a signed-in user with `tokens` tokens and an
    /// extracted brand of the SaaS fixture site.
    private func withGeneration(
        renderer: (any AdRenderer)? = nil, tokens: Int64 = 1000, worker runWorker: Bool = true, site siteName: String = "saas", variants: Int = 1,
        _ body: @escaping @Sendable (GenerationContext) async throws -> Void
    ) async throws {
        let site = try SiteTestServer(site: siteName)
        try await site.start()
        defer { site.stop() }
        let environment = [
            "BLUMPO_DATA_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString)").path,
            "BLUMPO_FETCH_ALLOW_PRIVATE": "1", "BLUMPO_FETCH_LOOPBACK_ONLY": "1", "BLUMPO_QUEUE_POLL_MS": "50",
        ]
        try await withTestApp(environment: environment) { client, db in
            // The seeded rule makes 5 ads per format; tests of the mechanics make one.
            try await db.execute("UPDATE generation_pricing SET rules = rules || jsonb_build_object('variants_per_format', \(variants)) WHERE is_active")
            var configuration = try AppConfiguration(environment: environment)
            configuration.queue.maintenanceInterval = .milliseconds(200)
            let work = try BackgroundWork(configuration: configuration, logger: db.logger, renderer: renderer)
            let (token, user) = try await client.signIn("maker-\(UUID().uuidString.prefix(6).lowercased())@example.com", db: db)
            let userID = try #require(UUID(uuidString: user))
            if tokens > 0 {
                try await db.client.withConnection {
                    _ = try await TokenLedger().apply(userID: userID, delta: tokens, reason: .adminAdjust, referenceID: "test-grant:\(userID)", on: $0, logger: db.logger)
                }
            }
            // The brand is extracted by a worker that runs only while it is.
            let brandID = try #require(try await client.json(.post, "/api/v1/brands", body: ["website_url": site.url], token: token).body["id"] as? String)
            try await withRunningServices([work.worker(client: db.client, logger: db.logger)], logger: db.logger) {
                let extracted = try await db.eventually(timeout: .seconds(60)) {
                    let status = try await client.json(.get, "/api/v1/brands/\(brandID)", token: token).body["extraction_status"] as? [String: Any]
                    // Other fixture sites lack some of what saas has (a hero image): only their insights must be there.
                    return siteName == "saas" ? status?["overall"] as? String == "ok" : status?["insights_status"] as? String == "ok"
                }
                #expect(extracted)
            }
            let context = GenerationContext(client: client, db: db, token: token, userID: userID, brandID: brandID, environment: environment)
            if runWorker {
                try await withRunningServices([work.worker(client: db.client, logger: db.logger)], logger: db.logger) { try await body(context) }
            } else {
                try await body(context)
            }
        }
    }

    private func balance(_ db: TestDatabase, _ userID: UUID) async throws -> Int64 {
        try await db.one("SELECT balance FROM token_account WHERE user_id = \(userID)", as: Int64.self)
    }

    private func waitFinished(_ client: any TestClientProtocol, _ db: TestDatabase, job: String, token: String) async throws -> [String: Any] {
        var body: [String: Any] = [:]
        let finished = try await db.eventually(timeout: .seconds(90)) {
            body = try await client.json(.get, "/api/v1/generation-jobs/\(job)", token: token).body
            return body["completed_at"] is String
        }
        #expect(finished, "job \(job) did not finish")
        return body
    }

    private func reconciles(_ db: TestDatabase) async throws -> Bool {
        try await db.client.withConnection { try await Reconciliation().mismatches(on: $0, logger: db.logger) }.isEmpty
    }

    @Test func aJobTurnsABrandIntoAdsOfEveryFormatAndSettles() async throws {
        try await withGeneration(variants: 5) { g in
            let (client, db, token, userID, brandID) = (g.client, g.db, g.token, g.userID, g.brandID)
            let before = try await balance(db, userID)
            let created = try await client.json(
                .post, "/api/v1/generation-jobs",
                body: ["brand_id": brandID, "archetype_code": "problem_solution", "formats": ["square", "9:16"], "params": ["seed": 7]], token: token)
            #expect(created.status == .created)
            #expect(created.body["tokens_cost"] as? Int == 80)
            // The seeded rule: 5 different ads of each format for the price of the formats.
            #expect(created.body["expected_ads"] as? Int == 10)
            #expect(created.body["formats"] as? [String] == ["square", "story"])
            let jobID = try #require(created.body["id"] as? String)
            #expect(try await balance(db, userID) == before - 80)

            let job = try await waitFinished(client, db, job: jobID, token: token)
            #expect(job["status"] as? String == "SUCCEEDED")
            #expect((job["progress"] as? [String: Int]) == ["done": 10, "expected": 10])
            let images = try #require(job["images"] as? [[String: Any]])
            #expect(images.count == 10)
            // Idea by idea: each idea's square and story share their design; the ideas differ.
            let designs = try await db.client.query(
                """
                SELECT v.position, v.format, i.preflight->>'template', i.copy->>'headline' FROM generation_variant v
                JOIN ad_image i ON i.id = v.ad_image_id WHERE v.job_id = \(try #require(UUID(uuidString: jobID))) ORDER BY v.position
                """, logger: db.logger
            ).collect().map { try $0.decode((Int, String, String?, String?).self) }
            #expect(designs.map(\.1) == Array(repeating: ["square", "story"], count: 5).flatMap { $0 })
            for pair in stride(from: 0, to: designs.count, by: 2) { #expect(designs[pair].2 == designs[pair + 1].2, "idea \(pair / 2)") }
            #expect(Set(designs.map { "\($0.2 ?? "")|\($0.3 ?? "")" }).count > 1, "the ideas are not all alike")
            let sizes = Set(images.map { "\($0["width"] as? Int ?? 0)x\($0["height"] as? Int ?? 0)" })
            #expect(sizes == ["1080x1080", "1080x1920"])
            for image in images {
                #expect(image["format"] as? String == "WEBP")
                #expect((image["storage_key"] as? String)?.hasPrefix("users/\(userID.uuidString.lowercased())/jobs/\(jobID)/") == true)
                #expect(image["archetypes"] as? [String] == ["problem_solution"])
                #expect(((image["copy"] as? [String: Any])?["headline"] as? String)?.isEmpty == false)
                #expect((image["preflight"] as? [String: Any])?["passed"] as? Bool == true)
                #expect((image["bytes_size"] as? Int ?? 0) > 1000)
            }
            #expect(try await balance(db, userID) == before - 80)
            #expect(try await reconciles(db))

            let imageID = try #require(images.first?["id"] as? String)
            try await client.execute(uri: "/api/v1/ad-images/\(imageID)/download", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"flowdesk-") == true)
                #expect(ImageCodec.kind(of: Data(buffer: response.body)) == "webp")
            }
            #expect(try await db.one("SELECT count(*)::int FROM ad_event WHERE event_type = 'downloaded' AND ad_image_id = \(UUID(uuidString: imageID)!)", as: Int.self) == 1)
            let listed = try await client.json(.get, "/api/v1/ad-images?job_id=\(jobID)", token: token)
            #expect((listed.body["items"] as? [Any])?.count == 10)

            // The event stream of a finished job replays its images and ends.
            let events = try await client.execute(uri: "/api/v1/generation-jobs/\(jobID)/events", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                String(buffer: $0.body)
            }
            #expect(events.components(separatedBy: "event: image").count - 1 == 10)
            #expect(events.contains("event: progress\ndata: {\"done\":10,\"expected\":10}"))
            #expect(events.contains("event: finished"))
        }
    }

    @Test func aVariantThatFailsIsRefundedAndAllFailingRefundsEverything() async throws {
        try await withGeneration(renderer: FailingRenderer(failing: ["story"])) { g in
            let (client, db, token, userID, brandID) = (g.client, g.db, g.token, g.userID, g.brandID)
            let before = try await balance(db, userID)
            let partial = try #require(try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "testimonial", "formats": ["square", "story"]], token: token
            ).body["id"] as? String)
            let job = try await waitFinished(client, db, job: partial, token: token)
            #expect(job["status"] as? String == "SUCCEEDED")
            #expect((job["images"] as? [Any])?.count == 1)
            #expect(try await balance(db, userID) == before - 80 + 40)

            let allFail = try #require(try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "meme", "formats": ["story"]], token: token
            ).body["id"] as? String)
            let failed = try await waitFinished(client, db, job: allFail, token: token)
            #expect(failed["status"] as? String == "FAILED")
            #expect(failed["error_code"] as? String == "NO_IMAGES")
            #expect((failed["error_message"] as? String)?.contains("test renderer refuses story") == true)
            #expect(try await balance(db, userID) == before - 80 + 40)
            #expect(try await db.one("SELECT count(*)::int FROM token_ledger WHERE reason = 'JOB_REFUND' AND user_id = \(userID)", as: Int.self) == 2)
            #expect(try await reconciles(db))
        }
    }

    @Test func insufficientTokensLeaveNoJobAndBadRequestsNameEachField() async throws {
        try await withGeneration(tokens: 0) { g in
            let (client, db, token, userID, brandID) = (g.client, g.db, g.token, g.userID, g.brandID)
            let balance = try await balance(db, userID)
            let refused = try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "meme", "formats": ["square", "story", "portrait"]], token: token)
            #expect(refused.status == HTTPResponse.Status(code: 402))
            #expect(refused.body["code"] as? String == "INSUFFICIENT_TOKENS")
            #expect(refused.body["price"] as? Int == 120)
            #expect(refused.body["balance"] as? Int == Int(balance))
            #expect(try await db.one("SELECT count(*)::int FROM generation_job", as: Int.self) == 0)

            let invalid = try await client.json(
                .post, "/api/v1/generation-jobs",
                body: ["brand_id": brandID, "archetype_code": "nope", "formats": ["poster"], "selected_pain_points": ["Not from the site"],
                       "product_photo_urls": ["https://elsewhere.example/p.jpg"], "params": ["output_format": "gif"]], token: token)
            #expect(invalid.status == .unprocessableContent)
            let fields = Set((invalid.body["errors"] as? [String: String] ?? [:]).keys)
            #expect(fields == ["archetype_code", "formats", "selected_pain_points", "product_photo_urls", "params.output_format"])

            let (stranger, _) = try await client.signIn("stranger-gen@example.com", db: db)
            let foreign = try await client.json(.post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "meme", "formats": ["square"]], token: stranger)
            #expect(foreign.status == .notFound)
        }
    }

    @Test func aRetriedCreationWithTheSameKeyMakesOneJob() async throws {
        try await withGeneration(worker: false) { g in
            let (client, db, token, userID, brandID) = (g.client, g.db, g.token, g.userID, g.brandID)
            let before = try await balance(db, userID)
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let answer = try await client.json(
                            .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "value_proposition", "formats": ["square"]],
                            token: token, headers: [HTTPField.Name("Idempotency-Key")!: "launch-1"])
                        return (answer.status, answer.body["id"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(statuses.compactMap(\.1)).count == 1)
            #expect(statuses.filter { $0.0 == .created }.count == 1)
            #expect(statuses.filter { $0.0 == .ok }.count == 3)
            #expect(try await balance(db, userID) == before - 50)
        }
    }

    @Test func testimonialsAndOffersThePagesDoNotGiveAreRefusedBeforeAnyTokenMoves() async throws {
        try await withGeneration(worker: false, site: "svg-logo") { g in
            let (client, db, token, userID, brandID) = (g.client, g.db, g.token, g.userID, g.brandID)
            let before = try await balance(db, userID)
            let testimonial = try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "testimonial", "formats": ["square"]], token: token)
            #expect(testimonial.status == .unprocessableContent)
            #expect((testimonial.body["errors"] as? [String: String])?["archetype_code"]?.contains("testimonial needs a customer quote") == true)
            let promotion = try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "promotion_offer", "formats": ["square"]], token: token)
            #expect((promotion.body["errors"] as? [String: String])?["archetype_inputs.offer"] != nil)
            #expect(try await balance(db, userID) == before)
            #expect(try await db.one("SELECT count(*)::int FROM generation_job", as: Int.self) == 0)

            // The offer the user is running, typed for the job, is theirs to state.
            let typed = try await client.json(
                .post, "/api/v1/generation-jobs",
                body: ["brand_id": brandID, "archetype_code": "promotion_offer", "formats": ["square"], "archetype_inputs": ["offer": "20% off in May"]],
                token: token)
            #expect(typed.status == .created)
            // Random mode never draws what the brand cannot support.
            for seed in 0..<12 {
                let random = try await client.json(
                    .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_mode": "random", "formats": ["square", "story"], "params": ["seed": seed]],
                    token: token)
                #expect(random.status == .created)
                let drawn = Set((random.body["variants"] as? [[String: Any]] ?? []).compactMap { $0["archetype_code"] as? String })
                #expect(drawn.isDisjoint(with: ["testimonial", "promotion_offer"]), "seed \(seed): \(drawn)")
            }
        }
    }

    @Test func hostileJobRequestsAreRefusedNamingTheField() async throws {
        try await withGeneration(worker: false) { g in
            let (client, db, token, brandID) = (g.client, g.db, g.token, g.brandID)
            // Seeds above 2^53 would come back from JSON as doubles and trap the worker on every retry.
            let seed = try await client.json(
                .post, "/api/v1/generation-jobs",
                body: ["brand_id": brandID, "archetype_code": "meme", "formats": ["square"], "params": ["seed": UInt64.max]], token: token)
            #expect(seed.status == .unprocessableContent)
            #expect((seed.body["errors"] as? [String: String])?["params.seed"] != nil)

            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "launch-7"]
            let first = try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "meme", "formats": ["square"]], token: token, headers: key)
            #expect(first.status == .created)
            let reordered = try await client.json(
                .post, "/api/v1/generation-jobs", body: ["formats": ["square"], "archetype_code": "meme", "brand_id": brandID], token: token, headers: key)
            #expect(reordered.status == .ok, "the same request in another key order is a retry")
            let changed = try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "meme", "formats": ["story"]], token: token, headers: key)
            #expect(changed.status == .unprocessableContent)
            #expect(changed.body["code"] as? String == "IDEMPOTENCY_KEY_REUSED")

            try await db.execute("UPDATE ad_workflow SET is_active = false")
            let random = try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_mode": "random", "formats": ["square"]], token: token)
            #expect(random.status == .unprocessableContent)
            #expect((random.body["errors"] as? [String: String])?["archetype_mode"] != nil)
        }
    }

    @Test func eventStreamsAreLimitedPerUserAndOverallAndWakeOnlyOnChange() async throws {
        try await withGeneration(worker: false) { g in
            let (client, db, token, brandID) = (g.client, g.db, g.token, g.brandID)
            let created = try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "meme", "formats": ["square"]], token: token)
            let jobText = try #require(created.body["id"] as? String)
            let jobID = try #require(UUID(uuidString: jobText))
            let jobs = JobService(client: db.client, blobs: LocalBlobStore(directory: FileManager.default.temporaryDirectory.path, baseURL: "http://x"))
            var limits = JobEventHub.Limits(perUser: 1, total: 2)
            limits.pollInterval = .milliseconds(50)
            let hub = JobEventHub(jobs: jobs, limits: limits, logger: db.logger)
            let (ann, bo, cy) = (UUID(), UUID(), UUID())
            let first = try await hub.watch(jobID: jobID, userID: ann)
            await #expect(throws: AppError.rateLimited(retryAfterSeconds: 5)) { _ = try await hub.watch(jobID: jobID, userID: ann) }
            _ = try await hub.watch(jobID: jobID, userID: bo)
            await #expect(throws: AppError.rateLimited(retryAfterSeconds: 5)) { _ = try await hub.watch(jobID: jobID, userID: cy) }

            // Woken at once, then only when the job's progress moves.
            let wakes = Mutex(0)
            let consumer = Task { for await _ in first.changes { wakes.withLock { $0 += 1 } } }
            #expect(try await db.eventually { wakes.withLock { $0 } >= 1 })
            try await Task.sleep(for: .milliseconds(400))  // eight polls of an unchanged job
            let settled = wakes.withLock { $0 }
            #expect(settled <= 2, "one wake on subscribing, at most one more for the first poll")
            try await db.execute("UPDATE generation_variant SET status = 'FAILED', finished_at = now() WHERE job_id = \(jobID)")
            #expect(try await db.eventually { wakes.withLock { $0 } == settled + 1 })
            await hub.stopWatching(first.id)
            await consumer.value
            let again = try await hub.watch(jobID: jobID, userID: ann)
            await hub.stopWatching(again.id)

            // A stream whose response never started (the client left at once) gives its slot back.
            var quick = JobEventHub.Limits(perUser: 1, total: 10)
            quick.pollInterval = .milliseconds(50)
            // Long enough that the second watch below comes before the reaping on a busy machine.
            quick.startDeadline = .seconds(2)
            let reaping = JobEventHub(jobs: jobs, limits: quick, logger: db.logger)
            _ = try await reaping.watch(jobID: jobID, userID: cy)
            await #expect(throws: AppError.self) { _ = try await reaping.watch(jobID: jobID, userID: cy) }
            let reclaimed = try await db.eventually(timeout: .seconds(15)) { (try? await reaping.watch(jobID: jobID, userID: cy)) != nil }
            #expect(reclaimed)
        }
    }

    @Test func theQuoteIsWhatCreationChargesEvenWithTwoWorkflowsForAnArchetype() async throws {
        try await withGeneration(worker: false) { g in
            let (client, db, token, brandID) = (g.client, g.db, g.token, g.brandID)
            try await db.execute("UPDATE generation_pricing SET is_active = false")
            try await db.execute("INSERT INTO generation_pricing (name, strategy, base_cost_tokens, is_active, version) VALUES ('per ad', 'PER_AD', 10, true, 99)")
            try await db.execute("INSERT INTO ad_workflow (archetype_code, workflow_uid, variant_key, format) VALUES ('meme', 'builtin:meme', 'second', NULL)")
            let quote = try await client.json(.post, "/api/v1/pricing/quote", body: ["formats": ["square", "story"], "archetype_code": "meme"], token: token)
            #expect(quote.status == .ok)
            #expect(quote.body["expected_ads"] as? Int == 4)
            #expect(quote.body["price"] as? Int == 40)
            let created = try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "meme", "formats": ["square", "story"]], token: token)
            #expect(created.status == .created)
            #expect(created.body["tokens_cost"] as? Int == 40)
            #expect((created.body["variants"] as? [Any])?.count == 4)
        }
    }

    @Test func randomModePicksArchetypesFromTheSeed() async throws {
        try await withGeneration(worker: false) { g in
            let (client, token, brandID) = (g.client, g.token, g.brandID)
            func archetypes(seed: Int) async throws -> [String] {
                let created = try await client.json(
                    .post, "/api/v1/generation-jobs",
                    body: ["brand_id": brandID, "archetype_mode": "random", "formats": ["square", "story", "portrait", "landscape"], "params": ["seed": seed]],
                    token: token)
                #expect(created.status == .created)
                #expect(created.body["archetype_code"] is NSNull)
                return (created.body["variants"] as? [[String: Any]] ?? []).compactMap { $0["archetype_code"] as? String }
            }
            let first = try await archetypes(seed: 11)
            #expect(first.count == 4)
            #expect(try await archetypes(seed: 11) == first)
            #expect(Set(first).isSubset(of: ["problem_solution", "testimonial", "competitor_comparison", "promotion_offer", "value_proposition", "meme"]))
        }
    }

    @Test func aRandomJobCostsAndMakesWhatItsQuoteSaid() async throws {
        try await withGeneration(worker: false, variants: 3) { g in
            let formats = ["square", "story"]
            let quote = try await g.client.json(.post, "/api/v1/pricing/quote", body: ["formats": formats], token: g.token)
            #expect(quote.body["expected_ads"] as? Int == 6)
            let created = try await g.client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": g.brandID, "archetype_mode": "random", "formats": formats, "params": ["seed": 5]],
                token: g.token)
            #expect(created.status == .created)
            #expect(created.body["tokens_cost"] as? Int == quote.body["price"] as? Int)
            let variants = created.body["variants"] as? [[String: Any]] ?? []
            #expect(variants.count == 6)
            // Idea by idea: each idea's square and story share one archetype.
            for idea in 0..<3 { #expect(variants[idea * 2]["archetype_code"] as? String == variants[idea * 2 + 1]["archetype_code"] as? String) }
        }
    }

    @Test func cancellingAQueuedJobRefundsItInFull() async throws {
        try await withGeneration(worker: false) { g in
            let (client, db, token, userID, brandID) = (g.client, g.db, g.token, g.userID, g.brandID)
            let before = try await balance(db, userID)
            let jobID = try #require(try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "promotion_offer", "formats": ["square", "landscape"]], token: token
            ).body["id"] as? String)
            #expect(try await balance(db, userID) == before - 80)
            let canceled = try await client.json(.post, "/api/v1/generation-jobs/\(jobID)/cancel", token: token)
            #expect(canceled.status == .ok)
            #expect(canceled.body["status"] as? String == "CANCELED")
            #expect(canceled.body["completed_at"] is String)
            #expect((canceled.body["variants"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "SKIPPED" } == true)
            #expect(try await balance(db, userID) == before)
            let again = try await client.json(.post, "/api/v1/generation-jobs/\(jobID)/cancel", token: token)
            #expect(again.status == .conflict)
            #expect(again.body["code"] as? String == "JOB_FINISHED")
            #expect(try await reconciles(db))
        }
    }

    @Test func cancellingARunningJobKeepsFinishedAdsAndRefundsTheRest() async throws {
        let renderer = GatedRenderer()
        try await withGeneration(renderer: renderer) { g in
            let (client, db, token, userID, brandID) = (g.client, g.db, g.token, g.userID, g.brandID)
            let before = try await balance(db, userID)
            let jobID = try #require(try await client.json(
                .post, "/api/v1/generation-jobs",
                body: ["brand_id": brandID, "archetype_code": "problem_solution", "formats": ["square", "story", "portrait"]], token: token
            ).body["id"] as? String)
            // Two variants run (the per-user cap), the third waits.
            #expect(try await db.eventually(timeout: .seconds(30)) { renderer.started.withLock { $0 } == 2 })
            let canceled = try await client.json(.post, "/api/v1/generation-jobs/\(jobID)/cancel", token: token)
            #expect(canceled.body["status"] as? String == "CANCELED")
            #expect(canceled.body["completed_at"] is NSNull)
            renderer.gate.withLock { $0 = true }
            let job = try await waitFinished(client, db, job: jobID, token: token)
            #expect(job["status"] as? String == "CANCELED")
            #expect((job["images"] as? [Any])?.count == 2)
            // 120 tokens for three ads, one never made: 40 back.
            #expect(try await balance(db, userID) == before - 120 + 40)
            #expect(try await reconciles(db))
        }
    }

    @Test func aVariantWhoseWorkerDiedIsRunAgainAndTheJobSettlesOnce() async throws {
        try await withGeneration(worker: false) { g in
            let (client, db, token, userID, brandID) = (g.client, g.db, g.token, g.userID, g.brandID)
            let before = try await balance(db, userID)
            let jobID = try #require(try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "value_proposition", "formats": ["square"]], token: token
            ).body["id"] as? String)
            // A worker claims the variant, marks it running, and dies (its lease is 1 s).
            try await db.execute("UPDATE queue_task SET state = 'running', attempt = 1, worker_id = 'dead-worker', lease_expires_at = now() - interval '1 second' WHERE kind = 'generation.variant'")
            try await db.execute("UPDATE generation_variant SET status = 'RUNNING', started_at = now()")
            try await db.execute("UPDATE generation_job SET status = 'RUNNING', started_at = now()")
            let status = try await withRescuingWorker(g) { try await waitFinished(client, db, job: jobID, token: token)["status"] as? String }
            #expect(status == "SUCCEEDED")
            #expect(try await db.one("SELECT attempt FROM queue_task WHERE kind = 'generation.variant'", as: Int.self) == 2)
            #expect(try await db.one("SELECT count(*)::int FROM token_ledger WHERE reference_id = \("job:\(jobID)")", as: Int.self) == 1)
            #expect(try await balance(db, userID) == before - 50)
        }
    }

    @Test func aWorkerProcessKilledMidRenderLeavesAJobThatStillFinishesAndSettlesOnce() async throws {
        try await withGeneration(worker: false) { g in
            let (client, db, token, userID, brandID) = (g.client, g.db, g.token, g.userID, g.brandID)
            let before = try await balance(db, userID)
            let jobID = try #require(try await client.json(
                .post, "/api/v1/generation-jobs",
                body: ["brand_id": brandID, "archetype_code": "testimonial", "formats": ["square", "story", "portrait", "landscape", "widescreen"]], token: token
            ).body["id"] as? String)
            var environment = g.environment
            environment["DATABASE_URL"] = db.endpoint.url
            environment["BLUMPO_QUEUE_LEASE_SECONDS"] = "1"
            environment["BLUMPO_QUEUE_MAINTENANCE_MS"] = "200"
            environment["BLUMPO_LOG_LEVEL"] = "info"
            let doomed = try RunningBlumpo(["worker", "--no-scheduler"], environment: environment)
            let rendering = try await db.eventually(timeout: .seconds(60)) {
                try await db.one("SELECT count(*)::int FROM generation_variant WHERE status = 'RUNNING'", as: Int.self) > 0
            }
            #expect(rendering, "\(doomed.output())")
            doomed.signal(SIGKILL)
            _ = try await doomed.waitForExit()
            let interrupted = try await db.one("SELECT count(*)::int FROM generation_variant WHERE status = 'RUNNING'", as: Int.self)

            let survivor = try RunningBlumpo(["worker", "--no-scheduler"], environment: environment)
            let job = try await waitFinished(client, db, job: jobID, token: token)
            survivor.signal(SIGTERM)
            _ = try await survivor.waitForExit()
            #expect(job["status"] as? String == "SUCCEEDED", "\(survivor.output())")
            #expect((job["images"] as? [Any])?.count == 5)
            // The kill landed mid-render: that variant's task ran a second time.
            #expect(interrupted > 0)
            #expect(try await db.one("SELECT max(attempt) FROM queue_task WHERE kind = 'generation.variant'", as: Int.self) >= 2)
            #expect(try await db.one("SELECT count(*)::int FROM token_ledger WHERE reference_id = \("job:\(jobID)")", as: Int.self) == 1)
            #expect(try await balance(db, userID) == before - 200)
            #expect(try await reconciles(db))
        }
    }

    @Test func theSweepFinishesAndRefundsAJobPastItsDeadline() async throws {
        try await withGeneration(worker: false) { g in
            let (client, db, token, userID, brandID) = (g.client, g.db, g.token, g.userID, g.brandID)
            let before = try await balance(db, userID)
            let jobID = try #require(try await client.json(
                .post, "/api/v1/generation-jobs", body: ["brand_id": brandID, "archetype_code": "meme", "formats": ["square"]], token: token
            ).body["id"] as? String)
            try await db.execute("UPDATE generation_job SET deadline_at = now() - interval '1 minute'")
            try await db.client.withConnection { connection in
                _ = try await TaskStore().enqueue([try NewTask(kind: SweepStaleJobs.kind, payload: EmptyPayload())], on: connection, logger: db.logger)
            }
            let status = try await withRescuingWorker(g) { try await waitFinished(client, db, job: jobID, token: token)["status"] as? String }
            #expect(status == "FAILED")
            #expect(try await balance(db, userID) == before)
        }
    }

    /// A worker with fast lease checks (to rescue dead workers' tasks quickly).
    private func withRescuingWorker<T: Sendable>(_ g: GenerationContext, _ body: @Sendable () async throws -> T) async throws -> T {
        var configuration = try AppConfiguration(environment: g.environment)
        configuration.queue.maintenanceInterval = .milliseconds(100)
        let worker = try BackgroundWork(configuration: configuration, logger: g.db.logger).worker(client: g.db.client, logger: g.db.logger)
        return try await withRunningServices([worker], logger: g.db.logger, body)
    }
}
