import App
import ArgumentParser
import Database
import Logging

/// `blumpo migrate`: applies pending schema migrations, loads missing reference data, and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending database migrations (safe to run concurrently; a no-op when current).")

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

/// `blumpo seed`: loads reference data (plans, top-ups, pricing, archetypes, workflows).
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load reference data: plans, top-ups, the pricing rule, archetypes and built-in workflows (idempotent).")

    func run() async throws {
        let runtime = try await Runtime.start("seed")
        try await runtime.run {
            try await withClient(runtime.database.endpoint, logger: runtime.logger) { client in
                try await Migrator().migrate(client, logger: runtime.logger)
                try await Seeder().seed(client, logger: runtime.logger)
            }
            runtime.logger.info("reference data is in place")
        }
    }
}
