public import Brands
public import Core
public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `generation_job`, `generation_variant` and `ad_image`.
public struct JobStore: Sendable {
    public init() {}

    static let jobColumns = """
        id, user_id, brand_id, created_at, started_at, completed_at, status::text, prompt, params::text, tokens_cost, ledger_id,
        error_code, error_message, product_photo_urls, product_photo_mode, archetype_code, archetype_mode, formats,
        selected_pain_points, insight_source, expected_ads, archetype_inputs::text, deadline_at
        """

    static func json(_ text: String?) -> JSONValue? {
        text.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
    }

    static func decodeJob(_ row: PostgresRow) throws -> GenerationJob {
        let c = row.makeRandomAccess()
        return GenerationJob(
            id: try c[0].decode(UUID.self), userID: try c[1].decode(UUID.self), brandID: try c[2].decode(UUID?.self),
            createdAt: try c[3].decode(Date.self), startedAt: try c[4].decode(Date?.self), completedAt: try c[5].decode(Date?.self),
            status: JobStatus(rawValue: try c[6].decode(String.self)) ?? .queued, prompt: try c[7].decode(String?.self),
            params: json(try c[8].decode(String?.self)), tokensCost: try c[9].decode(Int64?.self), ledgerID: try c[10].decode(Int64?.self),
            errorCode: try c[11].decode(String?.self), errorMessage: try c[12].decode(String?.self),
            productPhotoURLs: try c[13].decode([String]?.self), productPhotoMode: try c[14].decode(String.self),
            archetypeCode: try c[15].decode(String?.self), archetypeMode: try c[16].decode(String.self), formats: try c[17].decode([String]?.self),
            selectedPainPoints: try c[18].decode([String]?.self), insightSource: try c[19].decode(String.self),
            expectedAds: try c[20].decode(Int?.self), archetypeInputs: json(try c[21].decode(String?.self)), deadlineAt: try c[22].decode(Date?.self))
    }

    static let variantColumns = "id, job_id, position, archetype_code, workflow_id, workflow_uid, format, status, ad_image_id, error"

    static func decodeVariant(_ row: PostgresRow) throws -> GenerationVariant {
        let (id, jobID, position, archetype, workflowID, workflowUID, format, status, imageID, error) = try row.decode(
            (UUID, UUID, Int, String, UUID?, String, String, String, UUID?, String?).self)
        return GenerationVariant(
            id: id, jobID: jobID, position: position, archetypeCode: archetype, workflowID: workflowID, workflowUID: workflowUID, format: format,
            status: GenerationVariant.Status(rawValue: status) ?? .failed, adImageID: imageID, error: error)
    }

    static let imageColumns = """
        id, job_id, user_id, brand_id, created_at, title, storage_key, public_url, bytes_size, width, height, format, archetypes,
        workflow_id, variant_id, copy::text, preflight::text
        """

    static func decodeImage(_ row: PostgresRow) throws -> AdImage {
        let c = row.makeRandomAccess()
        return AdImage(
            id: try c[0].decode(UUID.self), jobID: try c[1].decode(UUID.self), userID: try c[2].decode(UUID.self), brandID: try c[3].decode(UUID?.self),
            createdAt: try c[4].decode(Date.self), title: try c[5].decode(String?.self), storageKey: try c[6].decode(String.self),
            publicURL: try c[7].decode(String?.self), bytesSize: try c[8].decode(Int64?.self), width: try c[9].decode(Int?.self),
            height: try c[10].decode(Int?.self), format: try c[11].decode(String?.self), archetypes: try c[12].decode([String]?.self),
            workflowID: try c[13].decode(UUID?.self), variantID: try c[14].decode(UUID?.self), copy: json(try c[15].decode(String?.self)),
            preflight: json(try c[16].decode(String?.self)))
    }

    // MARK: Jobs

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

    public func variants(jobID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [GenerationVariant] {
        try await connection.query(
            "SELECT \(unescaped: Self.variantColumns) FROM generation_variant WHERE job_id = \(jobID) ORDER BY position", logger: logger
        ).collect().map(Self.decodeVariant)
    }

    public func variant(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> GenerationVariant? {
        try await connection.query("SELECT \(unescaped: Self.variantColumns) FROM generation_variant WHERE id = \(id)", logger: logger)
            .collect().first.map(Self.decodeVariant)
    }

    /// Moves a queued variant to running (and its job with it); nil when it is no longer runnable.
    /// A running variant (a retry) stays runnable until its job is settled.
    public func startVariant(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> GenerationVariant? {
        let rows = try await connection.query(
            """
            UPDATE generation_variant v SET status = 'RUNNING', started_at = coalesce(v.started_at, now())
            FROM generation_job j
            WHERE v.id = \(id) AND j.id = v.job_id AND j.completed_at IS NULL
              -- A variant already running when its job was cancelled may finish (a retry included).
              AND ((v.status = 'QUEUED' AND j.status IN ('QUEUED', 'RUNNING')) OR v.status = 'RUNNING')
            RETURNING v.id, v.job_id, v.position, v.archetype_code, v.workflow_id, v.workflow_uid, v.format, v.status, v.ad_image_id, v.error
            """, logger: logger
        ).collect()
        guard let variant = try rows.first.map(Self.decodeVariant) else { return nil }
        try await connection.query(
            "UPDATE generation_job SET status = 'RUNNING', started_at = coalesce(started_at, now()) WHERE id = \(variant.jobID) AND status = 'QUEUED'",
            logger: logger)
        return variant
    }

    /// Ends an open variant; false when it had already ended (a late worker, a sweep).
    @discardableResult
    public func finishVariant(
        _ id: UUID, status: GenerationVariant.Status, imageID: UUID? = nil, error: String? = nil, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE generation_variant SET status = \(status.rawValue), ad_image_id = \(imageID), error = \(error), finished_at = now()
            WHERE id = \(id) AND status IN ('QUEUED', 'RUNNING') RETURNING id
            """, logger: logger
        ).collect()
        return !rows.isEmpty
    }

    // MARK: Images

    public func insertImage(
        id: UUID, variant: GenerationVariant, job: GenerationJob, key: String, url: String, bytes: Int, width: Int, height: Int, format: String,
        copyJSON: String, preflightJSON: String, title: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO ad_image (id, job_id, user_id, brand_id, title, storage_key, public_url, bytes_size, width, height, format, archetypes,
                                  workflow_id, variant_id, copy, preflight)
            VALUES (\(id), \(job.id), \(job.userID), \(job.brandID), \(title), \(key), \(url), \(Int64(bytes)), \(width), \(height), \(format),
                    \([variant.archetypeCode]), \(variant.workflowID), \(variant.id), \(copyJSON)::jsonb, \(preflightJSON)::jsonb)
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
    }

    public func images(jobID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [AdImage] {
        try await connection.query(
            "SELECT \(unescaped: Self.imageColumns) FROM ad_image WHERE job_id = \(jobID) AND NOT is_deleted AND NOT ban_flag ORDER BY created_at, id",
            logger: logger
        ).collect().map(Self.decodeImage)
    }

    public func image(_ id: UUID, userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> AdImage? {
        try await connection.query(
            "SELECT \(unescaped: Self.imageColumns) FROM ad_image WHERE id = \(id) AND user_id = \(userID) AND NOT is_deleted AND NOT ban_flag",
            logger: logger
        ).collect().first.map(Self.decodeImage)
    }

    public func images(
        userID: UUID, jobID: UUID?, brandID: UUID?, after cursor: Keyset, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [AdImage] {
        try await connection.query(
            """
            SELECT \(unescaped: Self.imageColumns) FROM ad_image
            WHERE user_id = \(userID) AND NOT is_deleted AND NOT ban_flag AND (\(jobID)::uuid IS NULL OR job_id = \(jobID))
              AND (\(brandID)::uuid IS NULL OR brand_id = \(brandID)) AND (created_at, id) < (\(cursor.time), \(cursor.id))
            ORDER BY created_at DESC, id DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map(Self.decodeImage)
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

    /// Records that the owner downloaded an image (`ad_event` `downloaded`).
    public func recordDownload(_ image: AdImage, source: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO ad_event (user_id, brand_id, job_id, ad_image_id, archetype_code, workflow_id, event_type, event_source)
            VALUES (\(image.userID), \(image.brandID), \(image.jobID), \(image.id), \(image.archetypes?.first), \(image.workflowID), 'downloaded', \(source))
            """, logger: logger)
    }
}
