import Logging
import PostgresNIO
public import TaskQueue

/// RefillService every account whose period ended (scheduled every few minutes).
public struct RefillDueAccounts: TaskHandler {
    public static let kind = "billing.refill"
    public typealias Payload = EmptyPayload
    public let options = TaskKindOptions(maxAttempts: 3, concurrency: 1)

    public init() {}

    public func run(_ payload: EmptyPayload, context: TaskContext) async throws {
        let count = try await RefillService().refillDueAccounts(client: context.client, logger: context.logger)
        if count > 0 { context.logger.info("refilled \(count) account(s)") }
    }
}
