import Accounts
import App
import ArgumentParser
import Audit
import Core
import Database
import Foundation
import Logging
import PostgresNIO

/// `blumpo admin grant|revoke EMAIL`: admin rights kept in the database (`"user".is_admin`),
/// beside the addresses in `BLUMPO_ADMIN_EMAILS`. Each change is in the admin audit log, made
/// by `cli:<login name>`.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Grant or revoke admin rights.", subcommands: [Grant.self, Revoke.self])

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the user with this email an admin (they must have signed in once).")

        @Argument(help: "The user's email address.")
        var email: String

        func run() async throws { try await AdminCommand.set(email: email, admin: true) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take admin rights away (an address in BLUMPO_ADMIN_EMAILS stays admin).")

        @Argument(help: "The user's email address.")
        var email: String

        func run() async throws { try await AdminCommand.set(email: email, admin: false) }
    }

    static func set(email: String, admin: Bool) async throws {
        let runtime = try await Runtime.start("admin")
        try await runtime.requireCurrentSchema(migrate: false)
        let actor = AuditActor.commandLine(ProcessInfo.processInfo.environment["USER"])
        do {
            let user = try await runtime.run {
                try await withClient(runtime.database.endpoint, logger: runtime.logger) { client in
                    let auth = AuthService.forApp(client: client, configuration: runtime.configuration)
                    return try await auth.setAdmin(email: email, admin, actor: actor, logger: runtime.logger)
                }
            }
            print("\(user.email) is \(admin ? "now an admin" : "no longer an admin")")
        } catch let error as AppError {
            printError("blumpo: \(error.code == "NOT_FOUND" ? "no user has the email \(email); they sign in once first" : error.detail)")
            throw ExitCode.failure
        }
    }
}
