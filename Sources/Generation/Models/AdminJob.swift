import Core
public import Foundation

/// Filters of the admin job list; nil matches everything.
public struct AdminJobFilter: Sendable {
    public var status: JobStatus?
    public var archetype: String?
    public var workflowID: UUID?
    public var userID: UUID?
    /// Created at or after `from` and before `to`.
    public var from: Date?
    public var to: Date?

    public init(status: JobStatus? = nil, archetype: String? = nil, workflowID: UUID? = nil, userID: UUID? = nil, from: Date? = nil, to: Date? = nil) {
        self.status = status
        self.archetype = archetype
        self.workflowID = workflowID
        self.userID = userID
        self.from = from
        self.to = to
    }
}

/// A variant as admins see it: its row, its timings and what the queue knows of its attempts.
public struct AdminVariant: Sendable, Encodable {
    public let variant: GenerationVariant
    public let startedAt: Date?
    public let finishedAt: Date?
    /// From the variant's queue task; nil once the task was pruned.
    public var attempts: Int?
    public var maxAttempts: Int?
    public var taskState: String?
    public var lastTaskError: String?

    /// Milliseconds from start to end (or nil while it has not both).
    public var durationMS: Int64? {
        guard let startedAt, let finishedAt else { return nil }
        let milliseconds = (finishedAt.timeIntervalSince(startedAt) * 1000).rounded()
        return milliseconds.isFinite && abs(milliseconds) < 1e15 ? Int64(milliseconds) : nil
    }

    enum CodingKeys: String, CodingKey {
        case attempts
        case startedAt = "started_at", finishedAt = "finished_at", durationMS = "duration_ms", maxAttempts = "max_attempts"
        case taskState = "task_state", lastTaskError = "last_task_error"
    }

    public func encode(to encoder: any Encoder) throws {
        try variant.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(durationMS, forKey: .durationMS)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(maxAttempts, forKey: .maxAttempts)
        try c.encode(taskState, forKey: .taskState)
        try c.encode(lastTaskError, forKey: .lastTaskError)
    }
}

/// Variants that failed for the same reason: one error text (ids and numbers normalised out)
/// with how many variants gave it.
public struct ErrorBucket: Sendable, Encodable, Equatable {
    public let reason: String
    public let count: Int
    /// One of the original texts, as it was.
    public let example: String
    /// The first few variants in the bucket, in plan order.
    public let variantIDs: [String]

    enum CodingKeys: String, CodingKey { case reason, count, example, variantIDs = "variant_ids" }

    /// Most frequent first; ties by reason, so the order is stable.
    public static func group(_ errors: [(variantID: UUID, error: String)], keepingIDs: Int = 10) -> [ErrorBucket] {
        var order: [String] = []
        var members: [String: [(UUID, String)]] = [:]
        for (id, error) in errors {
            let reason = ErrorText.normalized(error)
            if members[reason] == nil { order.append(reason) }
            members[reason, default: []].append((id, error))
        }
        return order.compactMap { reason -> ErrorBucket? in
            guard let group = members[reason], let first = group.first else { return nil }
            return ErrorBucket(
                reason: reason, count: group.count, example: String(first.1.prefix(1000)),
                variantIDs: group.prefix(keepingIDs).map { $0.0.uuidString.lowercased() })
        }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason }
    }
}

/// `GET /api/v1/admin/jobs/{id}`: the job, its variants with attempts and timings, and its
/// error buckets.
public struct AdminJobDetail: Sendable, Encodable {
    public let job: GenerationJob
    public let variants: [AdminVariant]
    public let errorBuckets: [ErrorBucket]

    enum CodingKeys: String, CodingKey { case job, variants, errorBuckets = "error_buckets" }
}
