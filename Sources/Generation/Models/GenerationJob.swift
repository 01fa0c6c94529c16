public import Library
import Brands
public import Core
public import Foundation

/// `job_status`.
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    case queued = "QUEUED", running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", canceled = "CANCELED"
}

/// A `generation_job` row.
public struct GenerationJob: Sendable, Encodable {
    public let id: UUID
    public let userID: UUID
    public let brandID: UUID?
    public let createdAt: Date
    public let startedAt: Date?
    public let completedAt: Date?
    public let status: JobStatus
    public let prompt: String?
    public let params: JSONValue?
    public let tokensCost: Int64?
    public let ledgerID: Int64?
    public let errorCode: String?
    public let errorMessage: String?
    public let productPhotoURLs: [String]?
    public let productPhotoMode: ProductPhotoMode
    public let archetypeCode: String?
    public let archetypeMode: ArchetypeMode
    public let formats: [String]?
    public let selectedPainPoints: [String]?
    public let insightSource: InsightSource
    public let expectedAds: Int?
    public let archetypeInputs: JSONValue?
    public let deadlineAt: Date?
    /// When the owner last opened the job.
    public let viewedAt: Date?

    /// Succeeded and not opened since it completed: the dashboard's "new" badge.
    public var isNew: Bool {
        guard status == .succeeded, let completedAt else { return false }
        return viewedAt.map { $0 < completedAt } ?? true
    }

    enum CodingKeys: String, CodingKey {
        case id, status, prompt, params, formats
        case userID = "user_id", brandID = "brand_id", createdAt = "created_at", startedAt = "started_at", completedAt = "completed_at"
        case tokensCost = "tokens_cost", ledgerID = "ledger_id", errorCode = "error_code", errorMessage = "error_message"
        case productPhotoURLs = "product_photo_urls", productPhotoMode = "product_photo_mode", archetypeCode = "archetype_code"
        case archetypeMode = "archetype_mode", selectedPainPoints = "selected_pain_points", insightSource = "insight_source"
        case expectedAds = "expected_ads", archetypeInputs = "archetype_inputs", deadlineAt = "deadline_at"
        case viewedAt = "viewed_at", isNew = "is_new"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(id, forKey: .id)
        try c.encodeID(userID, forKey: .userID)
        try c.encodeID(brandID, forKey: .brandID)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(completedAt, forKey: .completedAt)
        try c.encode(status, forKey: .status)
        try c.encode(prompt, forKey: .prompt)
        try c.encode(params, forKey: .params)
        try c.encode(tokensCost, forKey: .tokensCost)
        try c.encode(ledgerID, forKey: .ledgerID)
        try c.encode(errorCode, forKey: .errorCode)
        try c.encode(errorMessage, forKey: .errorMessage)
        try c.encode(productPhotoURLs, forKey: .productPhotoURLs)
        try c.encode(productPhotoMode, forKey: .productPhotoMode)
        try c.encode(archetypeCode, forKey: .archetypeCode)
        try c.encode(archetypeMode, forKey: .archetypeMode)
        try c.encode(formats, forKey: .formats)
        try c.encode(selectedPainPoints, forKey: .selectedPainPoints)
        try c.encode(insightSource, forKey: .insightSource)
        try c.encode(expectedAds, forKey: .expectedAds)
        try c.encode(archetypeInputs, forKey: .archetypeInputs)
        try c.encode(deadlineAt, forKey: .deadlineAt)
        try c.encode(viewedAt, forKey: .viewedAt)
        try c.encode(isNew, forKey: .isNew)
    }
}

/// `generation_variant`: one ad of a job.
public struct GenerationVariant: Sendable, Encodable {
    public enum Status: String, Sendable, Codable {
        case queued = "QUEUED", running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", skipped = "SKIPPED"
        public var isOpen: Bool { self == .queued || self == .running }
    }

    public let id: UUID
    public let jobID: UUID
    public let position: Int
    public let archetypeCode: String
    public let workflowID: UUID?
    public let workflowUID: String
    public let format: String
    public let status: Status
    public let adImageID: UUID?
    public let error: String?

    enum CodingKeys: String, CodingKey {
        case id, position, format, status, error
        case jobID = "job_id", archetypeCode = "archetype_code", workflowID = "workflow_id", workflowUID = "workflow_uid", adImageID = "ad_image_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(id, forKey: .id)
        try c.encodeID(jobID, forKey: .jobID)
        try c.encode(position, forKey: .position)
        try c.encode(archetypeCode, forKey: .archetypeCode)
        try c.encodeID(workflowID, forKey: .workflowID)
        try c.encode(workflowUID, forKey: .workflowUID)
        try c.encode(format, forKey: .format)
        try c.encode(status, forKey: .status)
        try c.encodeID(adImageID, forKey: .adImageID)
        try c.encode(error, forKey: .error)
    }
}

/// A job with its variants and images so far, as `GET /api/v1/generation-jobs/{id}` shows it.
public struct JobDetail: Sendable, Encodable {
    public let job: GenerationJob
    public let variants: [GenerationVariant]
    public let images: [AdImage]

    /// Variants finished (with or without an image) out of all.
    public var progress: (done: Int, expected: Int) {
        (variants.filter { !$0.status.isOpen }.count, variants.count)
    }

    public func encode(to encoder: any Encoder) throws {
        try job.encode(to: encoder)
        var c = encoder.container(keyedBy: ExtraKey.self)
        try c.encode(variants, forKey: .variants)
        try c.encode(images, forKey: .images)
        try c.encode(["done": progress.done, "expected": progress.expected], forKey: .progress)
    }

    enum ExtraKey: String, CodingKey { case variants, images, progress }
}
