import App
import ArgumentParser
import Database
import Foundation
import Logging
import Metrics
import NIOCore
import PostgresNIO
import Prometheus
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// `blumpo serve`: the web app and API (and, as later roles land, workers and the scheduler).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the web app and API on BLUMPO_HOST:BLUMPO_PORT (migrates first unless told not to).")

    @Flag(name: .long, inversion: .prefixedNo, help: "Apply pending migrations before serving.")
    var migrate = true

    @Flag(name: .long, help: "Load reference data before serving (what `blumpo seed` does).")
    var seed = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Run background workers in this process.")
    var workers = true

    @Flag(name: .long, inversion: .prefixedNo, help: "Run the periodic scheduler in this process.")
    var scheduler = true

    func run() async throws {
        let runtime = try await Runtime.start("serve")
        let configuration = runtime.configuration
        let logger = runtime.logger
        try await runtime.run {
            try await runtime.requireCurrentSchema(migrate: migrate && configuration.migrateOnStart, seed: seed)

            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let client = PostgresClient(configuration: runtime.database.endpoint.clientConfiguration, backgroundLogger: logger)
            // Every outside client once, for the API and the workers alike.
            let outside = try AppServices(configuration: configuration, logger: logger)
            let background = try BackgroundWork(configuration: configuration, logger: logger, services: outside)
            var services: [any Service] = [client]
            if workers { services.append(background.worker(client: client, logger: logger)) }
            if scheduler { services.append(background.scheduler(client: client, logger: logger)) }
            let app = try buildApplication(
                AppDependencies(configuration: configuration, client: client, metrics: registry, logger: logger), outside: outside,
                services: services)
            logger.info("Blumpo is listening on \(configuration.baseURL)")
            let group = ServiceGroup(
                configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do {
                try await group.run()
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                throw ServeError.portInUse(host: configuration.host, port: configuration.port)
            }
        }
    }
}

/// Why `serve` could not start, as one line.
enum ServeError: Error, CustomStringConvertible {
    case portInUse(host: String, port: Int)
    case migrationsPending([String])

    var description: String {
        switch self {
        case .portInUse(let host, let port):
            "\(host):\(port) is already in use; stop the other program or set BLUMPO_PORT"
        case .migrationsPending(let names):
            "migrations are pending (\(names.joined(separator: ", "))); run `blumpo migrate` first"
        }
    }
}
