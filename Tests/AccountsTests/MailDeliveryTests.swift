import Accounts
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import TaskQueue
import Testing
import TestSupport

@Suite(.serialized) struct MailDeliveryTests {
    private func worker(_ db: TestDatabase, mailer: any Mailer) -> TaskWorker {
        var registry = TaskRegistry()
        registry.register(SendEmail(mailer: mailer, options: TaskKindOptions(maxAttempts: 20, baseBackoff: .milliseconds(200), maxBackoff: .milliseconds(400))))
        return TaskWorker(
            client: db.client, registry: registry,
            configuration: WorkerConfiguration(pollInterval: .milliseconds(50), maintenanceInterval: .milliseconds(200)), logger: db.logger)
    }

    private func withWorker(_ db: TestDatabase, _ worker: TaskWorker, _ body: @Sendable () async throws -> Void) async throws {
        try await withRunningServices([worker], logger: db.logger, body)
    }

    private func waitFor(_ condition: () async throws -> Bool) async throws -> Bool {
        try await eventually(timeout: .seconds(20), every: .milliseconds(50), condition)
    }

    @Test func theCodeArrivesOverSTARTTLSWithAuthAndSignsIn() async throws {
        let server = try SMTPTestServer()
        try await server.start()
        defer { server.stop() }
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService()
            let mailer = SMTPMailer(settings: try SMTPSettings(url: server.url, from: "Blumpo <codes@blumpo.test>"), logger: db.logger)
            try await withWorker(db, worker(db, mailer: mailer)) {
                _ = try await auth.requestCode(email: "Ann@Example.com", purpose: .login, origin: somewhere, logger: db.logger)
                #expect(try await waitFor { !server.messages().isEmpty })
            }
            let message = try #require(server.messages().first)
            #expect(message.contains("X-Test-Rcpt: ann@example.com"))
            #expect(message.contains("X-Test-TLS: yes"))
            #expect(message.contains("X-Test-Login: mailer"))
            #expect(message.contains("Subject: Your Blumpo code: "))
            #expect(message.contains("multipart/alternative"))
            let body = message.decodedMIMEParts
            let code = try #require(body.range(of: #"\d{6}"#, options: .regularExpression).map { String(body[$0]) })
            #expect(body.contains("<p style="))
            _ = try await auth.verify(email: "ann@example.com", code: code, purpose: .login, origin: somewhere, logger: db.logger)
            // Once delivered, the payload no longer holds the code.
            #expect(try await db.one("SELECT payload::text FROM queue_task WHERE kind = 'email.send'", as: String.self) == #"{"wiped": true}"#)
        }
    }

    @Test func theSMTPClientWritesNoCommandWithALineBreakFromData() async throws {
        let server = try SMTPTestServer()
        try await server.start()
        defer { server.stop() }
        let mailer = SMTPMailer(settings: try SMTPSettings(url: server.url, from: "Blumpo <codes@blumpo.test>"), logger: Logger(label: "test"))
        // Past the address check (as a stored row or another caller might be): the client itself refuses.
        let injected = EmailMessage(to: "victim@example.com>\r\nRCPT TO:<attacker@evil.test", subject: "Hi\r\nBcc: x@evil.test", text: "t", html: "h")
        await #expect(throws: PermanentMailError.self) { try await mailer.send(injected) }
        // A subject with a line break is cut at it rather than becoming a header.
        try await mailer.send(EmailMessage(to: "ann@example.com", subject: "Hello\r\nBcc: x@evil.test", text: "t", html: "h"))
        let message = try #require(server.messages().first)
        #expect(message.contains("X-Test-Rcpt: ann@example.com"))
        #expect(!message.contains("Bcc:") && !message.contains("evil.test"))
        #expect(server.messages().count == 1)
    }

    @Test func aCodeSurvivesTheMailServerBeingDownAndIsDeliveredWhenItReturns() async throws {
        let server = try SMTPTestServer()
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService()
            let mailer = SMTPMailer(settings: try SMTPSettings(url: server.url, from: "codes@blumpo.test"), logger: db.logger)
            try await withWorker(db, worker(db, mailer: mailer)) {
                _ = try await auth.requestCode(email: "later@example.com", purpose: .login, origin: somewhere, logger: db.logger)
                #expect(try await waitFor {
                    try await db.one("SELECT attempt FROM queue_task WHERE kind = 'email.send'", as: Int.self) >= 2
                })
                let lastError = try await db.one("SELECT last_error FROM queue_task WHERE kind = 'email.send'", as: String?.self)
                #expect(lastError != nil)
                try await server.start()
                #expect(try await waitFor { !server.messages().isEmpty })
                #expect(try await waitFor { try await db.one("SELECT state FROM queue_task WHERE kind = 'email.send'", as: String.self) == "completed" })
            }
            server.stop()
        }
    }

    @Test func aRefusedLoginIsAPermanentFailure() async throws {
        let server = try SMTPTestServer()
        try await server.start()
        defer { server.stop() }
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let url = server.url.replacingOccurrences(of: "s3cret", with: "wrong")
            let mailer = SMTPMailer(settings: try SMTPSettings(url: url, from: "codes@blumpo.test"), logger: db.logger)
            let auth = db.authService()
            try await withWorker(db, worker(db, mailer: mailer)) {
                _ = try await auth.requestCode(email: "nobody@example.com", purpose: .login, origin: somewhere, logger: db.logger)
                #expect(try await waitFor { try await db.one("SELECT state FROM queue_task WHERE kind = 'email.send'", as: String.self) == "failed" })
            }
            let (attempt, error) = try await db.one("SELECT attempt, last_error FROM queue_task WHERE kind = 'email.send'", as: (Int, String).self)
            #expect(attempt == 1)
            #expect(error.contains("535"))
        }
    }
}
