public import Foundation

/// Jobs per status (`generation_job.status`), lower-case keys.
public struct JobStatusCounts: Sendable, Equatable, Encodable {
    public var queued: Int64 = 0
    public var running: Int64 = 0
    public var succeeded: Int64 = 0
    public var failed: Int64 = 0
    public var canceled: Int64 = 0

    public init() {}

    public var total: Int64 { [queued, running, succeeded, failed, canceled].reduce(0, ActionCounts.sum) }

    /// Succeeded over finished (succeeded + failed); cancelled and open jobs are neither. 0 when none finished.
    public var successRate: Double {
        let finished = ActionCounts.sum(succeeded, failed)
        return finished > 0 ? Double(succeeded) / Double(finished) : 0
    }

    mutating func set(_ status: String, _ count: Int64) {
        switch status {
        case "QUEUED": queued = count
        case "RUNNING": running = count
        case "SUCCEEDED": succeeded = count
        case "FAILED": failed = count
        case "CANCELED": canceled = count
        default: break
        }
    }
}

/// The headline numbers of one period; the report has them for the period and the one before.
public struct KPITotals: Sendable, Equatable, Encodable {
    public var users: Int64 = 0
    public var newUsers: Int64 = 0
    public var activeUsers: Int64 = 0
    public var brands: Int64 = 0
    public var newBrands: Int64 = 0
    public var jobs = JobStatusCounts()
    public var jobSecondsMedian: Double?
    public var jobSecondsP95: Double?
    public var tokensGranted: Int64 = 0
    public var tokensSpent: Int64 = 0
    public var stripeEvents: Int64 = 0
    public var imagesGenerated: Int64 = 0
    public var imagesSaved: Int64 = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case users, brands, jobs
        case newUsers = "new_users", activeUsers = "active_users", newBrands = "new_brands", jobsTotal = "jobs_total"
        case successRate = "success_rate", jobSecondsMedian = "job_seconds_median", jobSecondsP95 = "job_seconds_p95"
        case tokensGranted = "tokens_granted", tokensSpent = "tokens_spent", stripeEvents = "stripe_events"
        case imagesGenerated = "images_generated", imagesSaved = "images_saved", saveRate = "save_rate"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(users, forKey: .users)
        try c.encode(newUsers, forKey: .newUsers)
        try c.encode(activeUsers, forKey: .activeUsers)
        try c.encode(brands, forKey: .brands)
        try c.encode(newBrands, forKey: .newBrands)
        try c.encode(jobs.total, forKey: .jobsTotal)
        try c.encode(jobs, forKey: .jobs)
        try c.encode(jobs.successRate, forKey: .successRate)
        try c.encode(jobSecondsMedian, forKey: .jobSecondsMedian)
        try c.encode(jobSecondsP95, forKey: .jobSecondsP95)
        try c.encode(tokensGranted, forKey: .tokensGranted)
        try c.encode(tokensSpent, forKey: .tokensSpent)
        try c.encode(stripeEvents, forKey: .stripeEvents)
        try c.encode(imagesGenerated, forKey: .imagesGenerated)
        try c.encode(imagesSaved, forKey: .imagesSaved)
        try c.encode(CountAndRate(count: imagesSaved, of: imagesGenerated).rate, forKey: .saveRate)
    }
}

/// One UTC day of the admin charts.
public struct KPIDay: Sendable, Equatable, Encodable {
    public let date: String
    public var newUsers: Int64 = 0
    public var jobs = JobStatusCounts()
    public var tokensGranted: Int64 = 0
    public var tokensSpent: Int64 = 0
    public var stripeEvents: [TypeCount] = []

    init(date: String) { self.date = date }

    enum CodingKeys: String, CodingKey {
        case date, jobs
        case newUsers = "new_users", tokensGranted = "tokens_granted", tokensSpent = "tokens_spent", stripeEvents = "stripe_events"
    }
}

/// A count of something named by the data (a Stripe event type, a plan, a ledger reason).
public struct TypeCount: Sendable, Equatable, Encodable {
    public let type: String
    public let count: Int64
}

/// Brands whose extraction step ended in this error.
public struct ExtractionProblem: Sendable, Equatable, Encodable {
    public let step: String
    public let reason: String
    public let brands: Int64
}

/// Archetypes (or workflows) ordered two ways: by images generated and by save rate.
public struct Leaderboard<Entry: Encodable & Sendable & Equatable>: Sendable, Equatable, Encodable {
    public let byUse: [Entry]
    public let bySaveRate: [Entry]

    enum CodingKeys: String, CodingKey {
        case byUse = "by_use", bySaveRate = "by_save_rate"
    }
}

/// `GET /api/v1/admin/kpis`.
public struct AdminKPIs: Sendable, Equatable, Encodable {
    public let from: Date
    public let to: Date
    public let previousFrom: Date
    public let previousTo: Date
    public let totals: KPITotals
    public let previousTotals: KPITotals
    public let daily: [KPIDay]
    public let accountsByPlan: [TypeCount]
    public let tokensByReason: [TypeCount]
    public let stripeEventsByType: [TypeCount]
    public let extractionErrors: [ExtractionProblem]
    public let archetypes: Leaderboard<ArchetypeStats>
    public let workflows: Leaderboard<WorkflowStats>

    enum CodingKeys: String, CodingKey {
        case from, to, totals, daily, archetypes, workflows
        case previousFrom = "previous_from", previousTo = "previous_to", previousTotals = "previous_totals"
        case accountsByPlan = "accounts_by_plan", tokensByReason = "tokens_by_reason", stripeEventsByType = "stripe_events_by_type"
        case extractionErrors = "extraction_errors"
    }
}
