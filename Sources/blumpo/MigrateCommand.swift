import App
import ArgumentParser
import Database
import Logging

/// `blumpo migrate`: applies pending schema migrations, loads missing reference data, and exits.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations (safe to run concurrently; a no-op when current).")

    func run() async throws {
        let runtime = try await Runtime.start("migrate")
        try await runtime.run {
            let applied = try await withClient(runtime.database.endpoint, logger: runtime.logger) { client in
                let applied = try await Migrator().migrate(client, logger: runtime.logger)
                try await Seeder().seed(client, logger: runtime.logger)
                return applied
            }
            runtime.logger.info(applied.isEmpty ? "schema is up to date" : "applied \(applied.count) migration(s)")
        }
    }
}
