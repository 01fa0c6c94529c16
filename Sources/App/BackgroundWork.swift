import Accounts
import Billing
import AsyncHTTPClient
import Brands
public import Generation
public import Logging
public import PostgresNIO
public import ServiceLifecycle
public import TaskQueue

/// The composition root of background work: every task kind with its handler, every periodic
/// schedule, and the worker and scheduler services built from configuration.
public struct BackgroundWork: Sendable {
    public let registry: TaskRegistry
    public let schedules: [PeriodicSchedule]
    let configuration: AppConfiguration

    /// `renderer` replaces the built-in renderer (tests inject failures through it).
    public init(configuration: AppConfiguration, logger: Logger, renderer: (any AdRenderer)? = nil) throws {
        self.configuration = configuration
        let queue = configuration.queue
        var registry = TaskRegistry()
        registry.register(QueueProbe(options: Self.options(.init(), queue)))
        registry.register(PruneFinishedTasks(retention: queue.retention))
        registry.register(SendEmail(mailer: Self.mailer(configuration, logger: logger), options: Self.options(SendEmail.defaultOptions, queue)))
        registry.register(CleanUpSignInData())
        registry.register(RefillDueAccounts())
        if let stripe = configuration.stripe { registry.register(ProcessStripeEvent(stripe: StripeClient(settings: stripe))) }
        let brands = try BrandServices(configuration: configuration, logger: logger)
        registry.register(CrawlBrandWebsite(extraction: brands.extraction))
        registry.register(RunExtractionStep(extraction: brands.extraction))
        let n8n = configuration.n8n.map { N8NRunner(settings: $0, http: .shared) }
        registry.register(
            RunVariant(
                runner: VariantRunner(blobs: brands.blobs, renderer: renderer ?? BuiltinRenderer(), n8n: n8n, llm: brands.llm),
                options: Self.options(RunVariant.defaultOptions, queue)))
        registry.register(SweepStaleJobs())
        self.registry = registry
        schedules = [
            PeriodicSchedule(
                name: "queue.prune", cadence: .every(.seconds(3600)), task: try NewTask(kind: PruneFinishedTasks.kind, payload: EmptyPayload())),
            PeriodicSchedule(
                name: "accounts.cleanup", cadence: .every(.seconds(3600)), task: try NewTask(kind: CleanUpSignInData.kind, payload: EmptyPayload())),
            PeriodicSchedule(
                name: "generation.sweep", cadence: .every(.seconds(60)), task: try NewTask(kind: SweepStaleJobs.kind, payload: EmptyPayload())),
            PeriodicSchedule(
                name: "billing.refill", cadence: .every(.seconds(300)), task: try NewTask(kind: RefillDueAccounts.kind, payload: EmptyPayload())),
        ]
    }

    /// SMTP when `SMTP_URL` is set, else the log-and-outbox mailer.
    static func mailer(_ configuration: AppConfiguration, logger: Logger) -> any Mailer {
        if let smtp = configuration.smtp { return SMTPMailer(settings: smtp, logger: logger) }
        return LogMailer(outboxDirectory: configuration.dataDirectory + "/outbox", logger: logger)
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
