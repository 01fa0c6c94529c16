import App
import ArgumentParser
import Database
import Logging

/// `blumpo seed`: loads reference data (plans, top-ups, pricing, archetypes, workflows).
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "Load reference data: plans, top-ups, the pricing rule, archetypes and built-in workflows (idempotent).")

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
