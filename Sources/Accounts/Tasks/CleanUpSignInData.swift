import Logging
import PostgresNIO
public import TaskQueue

/// Deletes expired codes, dead sessions and old rate-limit windows (scheduled hourly).
public struct CleanUpSignInData: TaskHandler {
    public static let kind = "accounts.cleanup"
    public typealias Payload = EmptyPayload
    public let options = TaskKindOptions(maxAttempts: 3, concurrency: 1)

    public init() {}

    public func run(_ payload: EmptyPayload, context: TaskContext) async throws {
        let (codes, sessions) = try await context.client.withConnection { connection in
            let codes = try await OTPStore().prune(on: connection, logger: context.logger)
            let sessions = try await SessionStore().prune(on: connection, logger: context.logger)
            try await RateLimiter().prune(olderThan: .seconds(2 * 3600), on: connection, logger: context.logger)
            return (codes, sessions)
        }
        context.logger.info("sign-in data cleaned up", metadata: ["codes": "\(codes)", "sessions": "\(sessions)"])
    }
}
