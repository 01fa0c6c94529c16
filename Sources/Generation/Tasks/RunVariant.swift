public import Foundation
public import Logging
public import PostgresNIO
public import TaskQueue

/// Produces one variant of a generation job. At most two variants of one user run at once
/// across all workers, so one big job cannot starve everybody else's.
public struct RunVariant: TaskHandler {
    public static let kind = "generation.variant"

    public struct Payload: Codable, Sendable {
        public let variantID: UUID
        enum CodingKeys: String, CodingKey { case variantID = "variant_id" }
    }

    let runner: VariantRunner
    public let options: TaskKindOptions

    public static let defaultOptions = TaskKindOptions(maxAttempts: 3, lease: .seconds(120), concurrency: 2, ownerCap: 2, baseBackoff: .seconds(2))

    public init(runner: VariantRunner, options: TaskKindOptions = RunVariant.defaultOptions) {
        self.runner = runner
        self.options = options
    }

    /// The queue key of a variant's task, by which admins find its attempts.
    public static func uniqueKey(_ variantID: UUID) -> String { "variant:\(variantID.uuidString.lowercased())" }

    public static func task(variantID: UUID, owner: UUID) throws -> NewTask {
        try NewTask(kind: kind, payload: Payload(variantID: variantID), uniqueKey: uniqueKey(variantID), owner: owner.uuidString.lowercased())
    }

    public func run(_ payload: Payload, context: TaskContext) async throws {
        try await runner.run(payload.variantID, client: context.client, logger: context.logger)
    }

    public func finalFailure(_ payload: Payload, error: String, taskID: Int64, connection: PostgresConnection, logger: Logger) async throws {
        try await VariantRunner.fail(payload.variantID, error: error, on: connection, logger: logger)
    }
}
