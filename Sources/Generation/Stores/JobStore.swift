import Brands
public import Core
public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `generation_job`.
public struct JobStore: Sendable {
    public init() {}

    static let jobColumns = """
        id, user_id, brand_id, created_at, started_at, completed_at, status::text, prompt, params::text, tokens_cost, ledger_id,
        error_code, error_message, product_photo_urls, product_photo_mode, archetype_code, archetype_mode, formats,
        selected_pain_points, insight_source, expected_ads, archetype_inputs::text, deadline_at, viewed_at
        """

    static func decodeJob(_ row: PostgresRow) throws -> GenerationJob {
        let c = row.makeRandomAccess()
        return GenerationJob(
            id: try c[0].decode(UUID.self), userID: try c[1].decode(UUID.self), brandID: try c[2].decode(UUID?.self),
            createdAt: try c[3].decode(Date.self), startedAt: try c[4].decode(Date?.self), completedAt: try c[5].decode(Date?.self),
            status: JobStatus(rawValue: try c[6].decode(String.self)) ?? .queued, prompt: try c[7].decode(String?.self),
            params: JSONValue(storedText: try c[8].decode(String?.self)), tokensCost: try c[9].decode(Int64?.self), ledgerID: try c[10].decode(Int64?.self),
            errorCode: try c[11].decode(String?.self), errorMessage: try c[12].decode(String?.self),
            productPhotoURLs: try c[13].decode([String]?.self), productPhotoMode: ProductPhotoMode(rawValue: try c[14].decode(String.self)) ?? .brand,
            archetypeCode: try c[15].decode(String?.self), archetypeMode: ArchetypeMode(rawValue: try c[16].decode(String.self)) ?? .single, formats: try c[17].decode([String]?.self),
            selectedPainPoints: try c[18].decode([String]?.self), insightSource: InsightSource(rawValue: try c[19].decode(String.self)) ?? .auto,
            expectedAds: try c[20].decode(Int?.self), archetypeInputs: JSONValue(storedText: try c[21].decode(String?.self)), deadlineAt: try c[22].decode(Date?.self),
            viewedAt: try c[23].decode(Date?.self))
    }

    // MARK: Jobs

    /// Records that the owner opened the job; false when it is not theirs.
    public func markViewed(_ id: UUID, userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query(
            "UPDATE generation_job SET viewed_at = now() WHERE id = \(id) AND user_id = \(userID) RETURNING id", logger: logger
        ).collect().count == 1
    }

    public func job(_ id: UUID, userID: UUID? = nil, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> GenerationJob? {
        try await connection.query(
            """
            SELECT \(unescaped: Self.jobColumns) FROM generation_job WHERE id = \(id) AND (\(userID)::uuid IS NULL OR user_id = \(userID))
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """, logger: logger
        ).collect().first.map(Self.decodeJob)
    }

    /// The job an Idempotency-Key already created, with the fingerprint of the request that did.
    public func job(userID: UUID, idempotencyKey: String, on connection: PostgresConnection, logger: Logger) async throws -> (id: UUID, fingerprint: String?)? {
        try await connection.query(
            "SELECT id, request_fingerprint FROM generation_job WHERE user_id = \(userID) AND idempotency_key = \(idempotencyKey)", logger: logger
        ).collect().first.map { try $0.decode((UUID, String?).self) }
    }

    public func jobs(
        userID: UUID, brandID: UUID?, status: JobStatus?, after cursor: Keyset, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [GenerationJob] {
        try await connection.query(
            """
            SELECT \(unescaped: Self.jobColumns) FROM generation_job
            WHERE user_id = \(userID) AND (\(brandID)::uuid IS NULL OR brand_id = \(brandID)) AND (\(status?.rawValue)::text IS NULL OR status::text = \(status?.rawValue))
              AND (created_at, id) < (\(cursor.time), \(cursor.id))
            ORDER BY created_at DESC, id DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map(Self.decodeJob)
    }

    /// A fingerprint of each job's visible progress (status, variants ended, images), for many
    /// jobs in one query: the event streams of every watcher share one poll.
    public func progressFingerprints(_ ids: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT j.id, j.status::text || ':' || (j.completed_at IS NOT NULL)::text
                || ':' || (SELECT count(*) FROM generation_variant v WHERE v.job_id = j.id AND v.status NOT IN ('QUEUED', 'RUNNING'))
                || ':' || (SELECT count(*) FROM ad_image i WHERE i.job_id = j.id)
            FROM generation_job j WHERE j.id = ANY(\(ids))
            """, logger: logger
        ).collect()
        var fingerprints: [UUID: String] = [:]
        for row in rows {
            let (id, fingerprint) = try row.decode((UUID, String).self)
            fingerprints[id] = fingerprint
        }
        return fingerprints
    }

    /// Serializes creations with the same Idempotency-Key until the transaction ends.
    func lockIdempotencyKey(userID: UUID, key: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('job-key:' || \(userID.uuidString) || ':' || \(key)))", logger: logger)
    }

    /// A new queued job, priced and planned.
    func insert(
        _ id: UUID, userID: UUID, plan: JobPlanner.Plan, price: Int64, prompt: String?, idempotencyKey: String?, fingerprint: String?,
        deadline: Duration, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let paramsJSON = String(decoding: try encoder.encode(plan.params), as: UTF8.self)
        let inputsJSON = String(decoding: try JSONEncoder().encode(plan.inputs), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO generation_job (id, user_id, brand_id, status, prompt, params, tokens_cost, product_photo_urls, product_photo_mode,
                archetype_code, archetype_mode, formats, selected_pain_points, insight_source, expected_ads, archetype_inputs,
                idempotency_key, request_fingerprint, deadline_at)
            VALUES (\(id), \(userID), \(plan.brandID), 'QUEUED', \(prompt), \(paramsJSON)::jsonb, \(price), \(plan.photoURLs),
                \(plan.photoMode.rawValue), \(plan.archetypeCode), \(plan.archetypeMode.rawValue), \(plan.formats), \(plan.painPoints),
                \(plan.insightSource.rawValue),
                \(plan.variants.count), \(inputsJSON)::jsonb, \(idempotencyKey), \(fingerprint), now() + make_interval(secs => \(Double(deadline.components.seconds))))
            """, logger: logger)
    }

    /// Links the job to the ledger entry that reserved its price.
    func setLedgerEntry(_ jobID: UUID, entryID: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE generation_job SET ledger_id = \(entryID) WHERE id = \(jobID)", logger: logger)
    }

    func markCanceled(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE generation_job SET status = 'CANCELED' WHERE id = \(id)", logger: logger)
    }

    /// A queued job becomes running when its first variant starts.
    func markRunning(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE generation_job SET status = 'RUNNING', started_at = coalesce(started_at, now()) WHERE id = \(id) AND status = 'QUEUED'",
            logger: logger)
    }

    /// The job's end: its final status and, for a failure, why (earlier reasons are kept).
    func finish(_ id: UUID, status: JobStatus, errorCode: String?, errorMessage: String?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE generation_job SET status = \(status.rawValue)::job_status, completed_at = now(), error_code = coalesce(error_code, \(errorCode)),
                   error_message = coalesce(error_message, \(errorMessage))
            WHERE id = \(id)
            """, logger: logger)
    }

    /// The secret external workflows sign this job's callbacks with, made on first use.
    func callbackSecret(_ id: UUID, creatingIfMissing: Bool, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        guard creatingIfMissing else {
            return try await connection.query("SELECT callback_secret FROM generation_job WHERE id = \(id)", logger: logger)
                .collect().first?.decode(String?.self) ?? nil
        }
        let fresh = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        return try await connection.query(
            "UPDATE generation_job SET callback_secret = coalesce(callback_secret, \(fresh)) WHERE id = \(id) RETURNING callback_secret",
            logger: logger
        ).collect().first?.decode(String.self) ?? fresh
    }

    /// Open jobs past their deadline, oldest first.
    func pastDeadline(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        try await connection.query(
            "SELECT id FROM generation_job WHERE status IN ('QUEUED', 'RUNNING') AND deadline_at < now() ORDER BY deadline_at LIMIT \(limit)",
            logger: logger
        ).collect().map { try $0.decode(UUID.self) }
    }
}
