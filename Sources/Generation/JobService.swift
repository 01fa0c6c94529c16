public import Billing
import Brands
public import Core
import Crypto
import Database
public import Foundation
public import Logging
public import PostgresNIO
public import Storage
import TaskQueue
import Library

/// Generation jobs: validation, pricing, the token reservation and the variants' tasks in one
/// transaction; reading jobs; cancelling.
public struct JobService: Sendable {
    let client: PostgresClient
    let blobs: any BlobStore
    let jobs = JobStore()
    let variants = VariantStore()
    let adImages = AdImageStore()
    /// How long a job may run before the stale-job sweep finishes and settles it.
    public var deadline: Duration = .seconds(30 * 60)

    public init(client: PostgresClient, blobs: any BlobStore) {
        self.client = client
        self.blobs = blobs
    }

    /// What creation returns: the job, and whether it already existed for the idempotency key.
    public struct Created: Sendable {
        public let detail: JobDetail
        public let replayed: Bool
    }

    /// SHA-256 of a request body's canonical JSON (keys sorted), so that a retry with the same
    /// content matches whatever its key order or spacing.
    public static func fingerprint(of body: Data) -> String {
        let canonical = (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]))
            .flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .fragmentsAllowed]) } ?? body
        return SHA256.hash(data: canonical).map { String(format: "%02x", $0) }.joined()
    }

    public func create(
        userID: UUID, request: CreateJobRequest, fingerprint: String? = nil, idempotencyKey: String?, logger: Logger
    ) async throws -> Created {
        if let key = idempotencyKey, key.isEmpty || key.count > 200 { throw AppError.validation(["Idempotency-Key": "must be 1 to 200 characters"]) }
        let (jobID, replayed) = try await client.transaction(logger: logger) { connection -> (UUID, Bool) in
            if let key = idempotencyKey {
                // Retries with the same key wait for each other and get the first one's job.
                try await jobs.lockIdempotencyKey(userID: userID, key: key, on: connection, logger: logger)
                if let existing = try await jobs.job(userID: userID, idempotencyKey: key, on: connection, logger: logger) {
                    guard existing.fingerprint == nil || fingerprint == nil || existing.fingerprint == fingerprint else {
                        throw AppError.idempotencyKeyReused
                    }
                    return (existing.id, true)
                }
            }
            let rule = try await PricingStore().activeRule(on: connection, logger: logger)
            let plan = try await JobPlanner(blobs: blobs).plan(
                request, userID: userID, variantsPerFormat: rule.variantsPerFormat, on: connection, logger: logger)
            let price = try rule.price(formats: plan.formats.count, expectedAds: plan.variants.count, archetype: plan.archetypeCode)
            let jobID = UUID()
            try await jobs.insert(
                jobID, userID: userID, plan: plan, price: price, prompt: request.prompt, idempotencyKey: idempotencyKey, fingerprint: fingerprint,
                deadline: deadline, on: connection, logger: logger)
            let entry = try await TokenLedger().apply(
                userID: userID, delta: -price, reason: .jobReserve, referenceID: "job:\(jobID.uuidString.lowercased())", on: connection, logger: logger)
            try await jobs.setLedgerEntry(jobID, entryID: entry.id, on: connection, logger: logger)
            var tasks: [NewTask] = []
            for (position, planned) in plan.variants.enumerated() {
                let variantID = UUID()
                try await variants.insert(variantID, jobID: jobID, position: position, planned, on: connection, logger: logger)
                tasks.append(try RunVariant.task(variantID: variantID, owner: userID))
            }
            try await TaskStore().enqueue(tasks, on: connection, logger: logger)
            return (jobID, false)
        }
        return Created(detail: try await detail(jobID, userID: userID, logger: logger), replayed: replayed)
    }

    /// What a job of `archetypeCode` in `formats` would cost, counted the way creation charges:
    /// the rule's ideas per format, each once per active workflow of the archetype (two workflows
    /// make two ads of an idea). Without an archetype (random mode: one workflow per idea and
    /// format) the ads are formats × ideas, or `expectedAds` when the caller asks about another count.
    public struct Quote: Sendable {
        public let price: Int64
        public let expectedAds: Int
        public let formats: [String]
        public let rule: PricingRule
    }

    public func quote(formats requested: [String]?, archetypeCode: String?, expectedAds: Int?, logger: Logger) async throws -> Quote {
        let formats: [String]
        switch JobPlanner.formats(requested) {
        case .success(let codes): formats = codes
        case .failure(let problem): throw AppError.validation(["formats": problem.reason])
        }
        return try await client.withConnection { connection in
            let rule = try await PricingStore().activeRule(on: connection, logger: logger)
            let ads: Int
            if let code = archetypeCode {
                let workflows = try await WorkflowStore().activeWorkflows(on: connection, logger: logger)
                ads = JobPlanner.variants(of: code, in: formats, workflows: workflows).count * rule.variantsPerFormat
                guard ads > 0 else { throw AppError.validation(["archetype_code": "has no active workflow serving these formats"]) }
            } else {
                ads = expectedAds ?? formats.count * rule.variantsPerFormat
            }
            guard (1...100).contains(ads) else { throw AppError.validation(["expected_ads": "must be 1 to 100"]) }
            return Quote(price: try rule.price(formats: formats.count, expectedAds: ads, archetype: archetypeCode), expectedAds: ads, formats: formats, rule: rule)
        }
    }

    /// The active archetypes with their workflows and formats, as the job form offers them.
    public func archetypes(logger: Logger) async throws -> [WorkflowStore.ArchetypeListing] {
        try await client.withConnection { try await WorkflowStore().archetypes(on: $0, logger: logger) }
    }

    public func detail(_ id: UUID, userID: UUID, logger: Logger) async throws -> JobDetail {
        try await client.withConnection { connection in
            guard let job = try await jobs.job(id, userID: userID, on: connection, logger: logger) else { throw AppError.notFound("Generation job") }
            return JobDetail(
                job: job, variants: try await variants.variants(jobID: id, on: connection, logger: logger),
                images: try await adImages.images(jobID: id, on: connection, logger: logger))
        }
    }

    /// The owner opened the job: it is no longer "new".
    public func markViewed(_ id: UUID, userID: UUID, logger: Logger) async throws -> JobDetail {
        guard try await client.withConnection({ try await jobs.markViewed(id, userID: userID, on: $0, logger: logger) }) else {
            throw AppError.notFound("Generation job")
        }
        return try await detail(id, userID: userID, logger: logger)
    }

    /// Progress fingerprints of many jobs at once (see `JobStore.progressFingerprints`).
    public func progressFingerprints(_ ids: [UUID], logger: Logger) async throws -> [UUID: String] {
        try await client.withConnection { try await jobs.progressFingerprints(ids, on: $0, logger: logger) }
    }

    public func list(userID: UUID, brandID: UUID?, status: JobStatus?, cursor: String?, limit: Int, logger: Logger) async throws -> Page<GenerationJob> {
        let after = try Keyset(cursor: cursor)
        let rows = try await client.withConnection {
            try await jobs.jobs(userID: userID, brandID: brandID, status: status, after: after, limit: limit + 1, on: $0, logger: logger)
        }
        return Page(rows: rows, limit: limit) { ($0.createdAt, $0.id) }
    }

    /// Cancels a queued or running job: variants not started are skipped; a job with nothing
    /// running is finished and refunded now, a running one when its last running variant ends.
    public func cancel(_ id: UUID, userID: UUID, logger: Logger) async throws -> JobDetail {
        try await client.transaction(logger: logger) { try await cancel(id, userID: userID, on: $0, logger: logger) }
        return try await detail(id, userID: userID, logger: logger)
    }

    /// The cancel rules on the caller's transaction; `userID` nil cancels anyone's job (admins).
    /// Returns the job as it was.
    @discardableResult
    func cancel(_ id: UUID, userID: UUID?, on connection: PostgresConnection, logger: Logger) async throws -> GenerationJob {
        guard let job = try await jobs.job(id, userID: userID, forUpdate: true, on: connection, logger: logger) else {
            throw AppError.notFound("Generation job")
        }
        guard job.status == .queued || job.status == .running else {
            throw AppError.conflict(code: "JOB_FINISHED", detail: "The job already ended (\(job.status.rawValue)).")
        }
        try await jobs.markCanceled(id, on: connection, logger: logger)
        try await variants.skipQueued(jobID: id, on: connection, logger: logger)
        try await JobSettlement().finishIfDone(id, on: connection, logger: logger)
        return job
    }
}
