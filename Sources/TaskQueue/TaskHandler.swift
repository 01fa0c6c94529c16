import Foundation
public import Logging
public import PostgresNIO

/// The code behind one kind of task.
public protocol TaskHandler: Sendable {
    associatedtype Payload: Decodable & Sendable
    /// The stable name stored in `queue_task.kind`.
    static var kind: String { get }
    var options: TaskKindOptions { get }
    /// Does the work. Throw `PermanentTaskError` for failures a retry cannot fix; any other
    /// error is retried with backoff until the kind's attempts run out.
    func run(_ payload: Payload, context: TaskContext) async throws
    /// Runs once, inside the transaction that marks the task failed for good (e.g. to refund tokens).
    func finalFailure(_ payload: Payload, error: String, taskID: Int64, connection: PostgresConnection, logger: Logger) async throws
}

extension TaskHandler {
    public func finalFailure(_ payload: Payload, error: String, taskID: Int64, connection: PostgresConnection, logger: Logger) async throws {}
}

/// What a running task knows about itself.
public struct TaskContext: Sendable {
    public let taskID: Int64
    public let kind: String
    public let attempt: Int
    public let owner: String?
    /// Carries `task.id` and `task.kind` metadata on every line.
    public let logger: Logger
    public let client: PostgresClient

    /// Commands and tests run a handler directly with a context of their own.
    public init(taskID: Int64 = 0, kind: String, attempt: Int = 1, owner: String? = nil, logger: Logger, client: PostgresClient) {
        (self.taskID, self.kind, self.attempt, self.owner, self.logger, self.client) = (taskID, kind, attempt, owner, logger, client)
    }
}

/// A failure no retry can fix: the task fails at once and the failure hook runs.
public struct PermanentTaskError: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The handlers a worker runs, by kind.
public struct TaskRegistry: Sendable {
    struct Entry: Sendable {
        let options: TaskKindOptions
        let run: @Sendable (String, TaskContext) async throws -> Void
        let finalFailure: @Sendable (ClaimedTask, String, PostgresConnection, Logger) async throws -> Void
    }

    private(set) var entries: [String: Entry] = [:]

    public init() {}

    public mutating func register<Handler: TaskHandler>(_ handler: Handler) {
        entries[Handler.kind] = Entry(
            options: handler.options,
            run: { payload, context in
                try await handler.run(try Self.decode(Handler.Payload.self, payload), context: context)
            },
            finalFailure: { task, error, connection, logger in
                // A payload that cannot be decoded has nothing to compensate.
                guard let decoded = try? Self.decode(Handler.Payload.self, task.payload) else { return }
                try await handler.finalFailure(decoded, error: error, taskID: task.id, connection: connection, logger: logger)
            })
    }

    public var kinds: [String] { entries.keys.sorted() }

    func entry(_ kind: String) -> Entry? { entries[kind] }

    private static func decode<T: Decodable>(_ type: T.Type, _ payload: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(payload.utf8))
        } catch {
            throw PermanentTaskError("payload does not decode as \(T.self): \(error)")
        }
    }
}
