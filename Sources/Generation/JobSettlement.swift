import Billing
import Core
public import Foundation
public import Logging
public import PostgresNIO

/// Finishes a job once none of its variants is open, and settles its tokens in the same
/// transaction: variants without an image are refunded (proportionally, rounded up in the
/// user's favour); a job with no image at all is refunded in full. Runs at most once per job:
/// the job row is locked and `completed_at` marks it done; the refund is idempotent by
/// `job:<id>` as well.
public struct JobSettlement: Sendable {
    let jobs = JobStore()
    let variants = VariantStore()

    public init() {}

    /// Returns the job's final status when this call finished it.
    @discardableResult
    public func finishIfDone(_ jobID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> JobStatus? {
        guard let job = try await jobs.job(jobID, forUpdate: true, on: connection, logger: logger), job.completedAt == nil else { return nil }
        let (open, images, total) = try await variants.counts(jobID: jobID, on: connection, logger: logger)
        guard open == 0 else { return nil }
        let status: JobStatus = job.status == .canceled ? .canceled : (images > 0 ? .succeeded : .failed)
        let cost = job.tokensCost ?? 0
        let refund = Self.refund(cost: cost, images: images, variants: total)
        if refund > 0 {
            try await TokenLedger().apply(
                userID: job.userID, delta: refund, reason: .jobRefund, referenceID: "job:\(jobID.uuidString.lowercased())", on: connection, logger: logger)
        }
        let firstError = try await variants.firstError(jobID: jobID, on: connection, logger: logger)
        let (code, message): (String?, String?) =
            status == .failed ? ("NO_IMAGES", firstError.map { "No ad could be produced: \($0)" } ?? "No ad could be produced.") : (nil, nil)
        try await jobs.finish(jobID, status: status, errorCode: code, errorMessage: message, on: connection, logger: logger)
        logger.info("job finished", metadata: ["job.id": "\(jobID)", "status": "\(status.rawValue)", "images": "\(images)", "refund": "\(refund)"])
        return status
    }

    /// Tokens back for variants that produced nothing.
    public static func refund(cost: Int64, images: Int, variants: Int) -> Int64 {
        guard cost > 0, variants > 0, images < variants else { return 0 }
        if images <= 0 { return cost }
        let count = Int64(variants)
        // Rounded up: a fraction of a token goes the user's way. Costs are bounded, but a refund
        // must never trap the worker that settles, so an overflow refunds everything.
        guard let numerator = cost.checkedMultiply(count - Int64(images), adding: count - 1) else { return cost }
        return min(numerator / count, cost)
    }
}
