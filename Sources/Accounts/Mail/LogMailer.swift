import Foundation
public import Logging

/// The default mailer: writes each message to the log and as a file under
/// `$BLUMPO_DATA_DIR/outbox/`, so a newcomer can sign in without a mail server.
public struct LogMailer: Mailer {
    let directory: String
    let logger: Logger

    public init(outboxDirectory: String, logger: Logger) {
        self.directory = outboxDirectory
        self.logger = logger
    }

    public func send(_ message: EmailMessage) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = Date().formatted(.iso8601).replacingOccurrences(of: ":", with: "-")
        let path = directory + "/\(stamp)-\(UUID().uuidString.prefix(8)).eml"
        let file = "To: \(message.to)\nSubject: \(message.subject)\n\n\(message.text)\n"
        try file.write(toFile: path, atomically: true, encoding: .utf8)
        logger.notice("email written to the outbox (no SMTP_URL configured)", metadata: [
            "to": "\(message.to)", "subject": "\(message.subject)", "file": "\(path)",
        ])
    }
}
