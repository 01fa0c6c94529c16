import App
import ArgumentParser
import Database
import Foundation
import Logging

/// What every command starts with: checked configuration, logging, and a ready database.
struct Runtime {
    let configuration: AppConfiguration
    let logger: Logger
    let database: DatabaseBootstrap

    /// Loads configuration (exit 2 on a bad value) and finds or starts the database (exit 1 on failure).
    static func start(_ command: String) async throws -> Runtime {
        let configuration: AppConfiguration
        do {
            configuration = try await AppConfiguration.fromEnvironment()
        } catch let error as ConfigurationError {
            printError("blumpo: \(error)")
            throw ExitCode(2)
        }
        BlumpoLogHandler.bootstrap(level: configuration.logLevel, format: configuration.logFormat)
        let logger = Logger(label: "blumpo.\(command)")
        let database = try await failingWithOneLine {
            try await DatabaseBootstrap.prepare(
                databaseURL: configuration.databaseURL, dataDirectory: configuration.dataDirectory, logger: logger)
        }
        return Runtime(configuration: configuration, logger: logger, database: database)
    }

    /// Optionally migrates and seeds, then refuses to go on while migrations are pending.
    func requireCurrentSchema(migrate: Bool, seed: Bool = false) async throws {
        try await withClient(database.endpoint, logger: logger) { client in
            let migrator = try Migrator()
            if migrate { try await migrator.migrate(client, logger: logger) }
            // The code relies on reference data (the default plan every new account joins):
            // whoever migrates also loads what is missing of it, leaving existing rows alone.
            if migrate || seed { try await Seeder().seed(client, logger: logger) }
            let pending = try await migrator.pending(client, logger: logger)
            guard pending.isEmpty else { throw ServeError.migrationsPending(pending) }
        }
    }

    /// Runs `body`, then stops the embedded cluster if this process started it — also on failure.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            let result = try await failingWithOneLine(body)
            await database.ownedCluster?.stop(logger: logger)
            return result
        } catch {
            await database.ownedCluster?.stop(logger: logger)
            throw error
        }
    }
}

/// Prints errors operators can act on as one line and exits 1, instead of a stack trace.
func failingWithOneLine<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as DatabaseSetupError {
        printError("blumpo: \(error)")
        throw ExitCode.failure
    } catch let error as ServeError {
        printError("blumpo: \(error)")
        throw ExitCode.failure
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
