import Accounts
import Billing
import Foundation
import Logging
import PostgresNIO
import TestSupport

/// The Billing hook the app wires in production.
struct OpenAccountHook: NewUserHook {
    func userCreated(_ user: User, on connection: PostgresConnection, logger: Logger) async throws {
        try await TokenAccountStore().open(for: user.id, on: connection, logger: logger)
    }
}

extension TestDatabase {
    func authService(_ adjust: (inout AuthSettings) -> Void = { _ in }) -> AuthService {
        var settings = AuthSettings()
        settings.scryptLogRounds = 10
        adjust(&settings)
        return AuthService(client: client, settings: settings, newUserHook: OpenAccountHook())
    }

    /// The code in the newest queued email to `email` (before delivery wipes it).
    func latestCode(to email: String) async throws -> String {
        let text = try await one(
            "SELECT payload->>'text' FROM queue_task WHERE kind = 'email.send' AND payload->>'to' = \(email) ORDER BY id DESC LIMIT 1",
            as: String.self)
        guard let range = text.range(of: #"\d{6}"#, options: .regularExpression) else { throw TestSupportError("no code in \(text)") }
        return String(text[range])
    }
}

let somewhere = RequestOrigin(ipAddress: "203.0.113.7", userAgent: "tests")
