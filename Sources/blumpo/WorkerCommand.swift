import App
import ArgumentParser
import Database
import Logging
import Metrics
import PostgresNIO
import Prometheus
import ServiceLifecycle
import TaskQueue
import UnixSignals

/// `blumpo worker`: runs queued tasks and the scheduler, no HTTP.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run background workers and the scheduler only (start more of these to scale out).")

    @Flag(name: .long, inversion: .prefixedNo, help: "Also run the periodic scheduler.")
    var scheduler = true

    func run() async throws {
        let runtime = try await Runtime.start("worker")
        let logger = runtime.logger
        try await runtime.run {
            try await runtime.requireCurrentSchema(migrate: false)
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: PrometheusCollectorRegistry()))
            let client = PostgresClient(configuration: runtime.database.endpoint.clientConfiguration, backgroundLogger: logger)
            let background = try BackgroundWork(configuration: runtime.configuration, logger: logger)
            var services: [any Service] = [client, background.worker(client: client, logger: logger)]
            if scheduler { services.append(background.scheduler(client: client, logger: logger)) }
            logger.info("worker started", metadata: ["kinds": "\(background.registry.kinds.joined(separator: ","))"])
            try await ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            ).run()
        }
    }
}
