import Accounts
import Billing
import AsyncHTTPClient
import Brands
import Library
public import Generation
public import Logging
public import PostgresNIO
import ServiceLifecycle
public import TaskQueue

/// The composition root of background work: every task kind with its handler, every periodic
/// schedule, and the worker and scheduler services built from configuration.
public struct BackgroundWork: Sendable {
    public let registry: TaskRegistry
    public let schedules: [PeriodicSchedule]
    let configuration: AppConfiguration

    /// `renderer` replaces the built-in renderer (tests inject failures through it); `services`
    /// are the outside clients the process already built (else built from `configuration`).
    public init(configuration: AppConfiguration, logger: Logger, renderer: (any AdRenderer)? = nil, services: AppServices? = nil) throws {
        let services = try services ?? AppServices(configuration: configuration, logger: logger)
        self.configuration = configuration
        let queue = configuration.queue
        var registry = TaskRegistry()
        registry.register(QueueProbe(options: Self.options(.init(), queue)))
        registry.register(PruneFinishedTasks(retention: queue.retention))
        registry.register(SendEmail(mailer: services.mailer, options: Self.options(SendEmail.defaultOptions, queue)))
        registry.register(CleanUpSignInData())
        registry.register(RefillDueAccounts())
        if let stripe = services.stripe { registry.register(ProcessStripeEvent(stripe: stripe)) }
        registry.register(CrawlBrandWebsite(extraction: services.extraction))
        registry.register(RunExtractionStep(extraction: services.extraction))
        registry.register(
            RunVariant(
                runner: VariantRunner(blobs: services.blobs, renderer: renderer ?? BuiltinRenderer(), n8n: services.n8n, llm: services.llm),
                options: Self.options(RunVariant.defaultOptions, queue)))
        registry.register(SweepStaleJobs())
        registry.register(PurgeBinnedImages(blobs: services.blobs))
        registry.register(SyncBlobVisibility(blobs: services.blobs))
        self.registry = registry
        schedules = [
            PeriodicSchedule(
                name: "queue.prune", cadence: .every(.seconds(3600)), task: try NewTask(kind: PruneFinishedTasks.kind, payload: EmptyPayload())),
            PeriodicSchedule(
                name: "accounts.cleanup", cadence: .every(.seconds(3600)), task: try NewTask(kind: CleanUpSignInData.kind, payload: EmptyPayload())),
            PeriodicSchedule(
                name: "generation.sweep", cadence: .every(.seconds(60)), task: try NewTask(kind: SweepStaleJobs.kind, payload: EmptyPayload())),
            PeriodicSchedule(
                name: "library.purge", cadence: .every(.seconds(600)), task: try NewTask(kind: PurgeBinnedImages.kind, payload: EmptyPayload())),
            PeriodicSchedule(
                name: "billing.refill", cadence: .every(.seconds(300)), task: try NewTask(kind: RefillDueAccounts.kind, payload: EmptyPayload())),
        ]
    }

    /// Applies settings that override every kind (the lease, for tests and slow machines).
    private static func options(_ options: TaskKindOptions, _ queue: AppConfiguration.QueueSettings) -> TaskKindOptions {
        var options = options
        if let lease = queue.leaseOverride { options.lease = lease }
        return options
    }

    public func worker(client: PostgresClient, logger: Logger) -> TaskWorker {
        let queue = configuration.queue
        return TaskWorker(
            client: client, registry: registry,
            configuration: WorkerConfiguration(
                pollInterval: queue.pollInterval, gracePeriod: queue.gracePeriod, maintenanceInterval: queue.maintenanceInterval),
            logger: logger)
    }

    public func scheduler(client: PostgresClient, logger: Logger) -> TaskScheduler {
        TaskScheduler(client: client, schedules: schedules, checkInterval: configuration.queue.schedulerCheckInterval, logger: logger)
    }
}
