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
    public init() {}

    /// Returns the job's final status when this call finished it.
    @discardableResult
    public func finishIfDone(_ jobID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> JobStatus? {
        guard let job = try await JobStore().job(jobID, forUpdate: true, on: connection, logger: logger), job.completedAt == nil else { return nil }
        let counts = try await connection.query(
            """
            SELECT count(*) FILTER (WHERE status IN ('QUEUED', 'RUNNING'))::int, count(*) FILTER (WHERE status = 'SUCCEEDED')::int, count(*)::int
            FROM generation_variant WHERE job_id = \(jobID)
            """, logger: logger
        ).collect().first?.decode((Int, Int, Int).self) ?? (0, 0, 0)
        let (open, images, total) = counts
        guard open == 0 else { return nil }
        let status: JobStatus = job.status == .canceled ? .canceled : (images > 0 ? .succeeded : .failed)
        let cost = job.tokensCost ?? 0
        let refund = Self.refund(cost: cost, images: images, variants: total)
        if refund > 0 {
            try await TokenLedger().apply(
                userID: job.userID, delta: refund, reason: .jobRefund, referenceID: "job:\(jobID.uuidString.lowercased())", on: connection, logger: logger)
        }
        let errors = try await connection.query(
            "SELECT error FROM generation_variant WHERE job_id = \(jobID) AND error IS NOT NULL ORDER BY position LIMIT 1", logger: logger
        ).collect().first?.decode(String?.self) ?? nil
        let (code, message): (String?, String?) = status == .failed ? ("NO_IMAGES", errors.map { "No ad could be produced: \($0)" } ?? "No ad could be produced.") : (nil, nil)
        try await connection.query(
            """
            UPDATE generation_job SET status = \(status.rawValue)::job_status, completed_at = now(), error_code = coalesce(error_code, \(code)),
                   error_message = coalesce(error_message, \(message))
            WHERE id = \(jobID)
            """, logger: logger)
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
