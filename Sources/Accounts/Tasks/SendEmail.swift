import Foundation
public import Logging
public import PostgresNIO
public import TaskQueue

/// Delivers one email from the outbox queue. Temporary failures are retried with backoff; a
/// permanent refusal fails the task and is logged with the server's reason. Once delivered or
/// given up, the message (which may hold a sign-in code) is wiped from the task's payload.
public struct SendEmail: TaskHandler {
    public static let kind = "email.send"
    public typealias Payload = EmailMessage

    let mailer: any Mailer
    public let options: TaskKindOptions

    /// Eight attempts from 5 s apart doubling: about ten minutes of retries for a mail server that is down.
    public static let defaultOptions = TaskKindOptions(maxAttempts: 8, concurrency: 4, baseBackoff: .seconds(5))

    public init(mailer: any Mailer, options: TaskKindOptions = SendEmail.defaultOptions) {
        self.mailer = mailer
        self.options = options
    }

    public func run(_ message: EmailMessage, context: TaskContext) async throws {
        do {
            try await mailer.send(message)
        } catch let error as PermanentMailError {
            throw PermanentTaskError("mail server refused the message: \(error)")
        }
        try await context.client.withConnection { connection in
            try await Self.wipe(taskID: context.taskID, on: connection, logger: context.logger)
        }
    }

    public func finalFailure(_ message: EmailMessage, error: String, taskID: Int64, connection: PostgresConnection, logger: Logger) async throws {
        logger.error("email could not be delivered", metadata: ["to": "\(message.to)", "reason": "\(error)"])
        try await Self.wipe(taskID: taskID, on: connection, logger: logger)
    }

    static func wipe(taskID: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE queue_task SET payload = '{\"wiped\": true}' WHERE id = \(taskID)", logger: logger)
    }
}
