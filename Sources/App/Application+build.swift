import Accounts
import Analytics
import Billing
public import Brands
import Database
public import Foundation
import Generation
import Library
public import Hummingbird
public import Logging
public import PostgresNIO
public import Prometheus
public import ServiceLifecycle
import Storage

/// What the HTTP application needs from the process that hosts it.
public struct AppDependencies: Sendable {
    public let configuration: AppConfiguration
    public let client: PostgresClient
    public let metrics: PrometheusCollectorRegistry
    public let logger: Logger

    public init(configuration: AppConfiguration, client: PostgresClient, metrics: PrometheusCollectorRegistry, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.metrics = metrics
        self.logger = logger
    }
}

/// The composition root: builds the router and the application from explicit dependencies.
public func buildApplication(
    _ dependencies: AppDependencies, outside: AppServices? = nil, services: [any Service] = []
) throws -> some ApplicationProtocol {
    let router = try buildRouter(dependencies, services: outside)
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(dependencies.configuration.host, port: dependencies.configuration.port),
            serverName: "blumpo"),
        services: services,
        logger: dependencies.logger)
}

/// The router with every route and middleware; tests call it through `HummingbirdTesting`.
/// `services` are the outside clients the process already built (else built from configuration).
public func buildRouter(_ dependencies: AppDependencies, services: AppServices? = nil) throws -> Router<AppRequestContext> {
    let outside = try services ?? AppServices(configuration: dependencies.configuration, logger: dependencies.logger)
    let router = Router(context: AppRequestContext.self)
    let stripeBase = dependencies.configuration.stripe.flatMap { URL(string: $0.apiBase) }
    let renderer = try WebRenderer(
        paymentOrigin: stripeBase.flatMap { $0.host == "api.stripe.com" ? nil : "\($0.scheme ?? "https")://\($0.host ?? "")\($0.port.map { ":\($0)" } ?? "")" })
    router.add(middleware: ServerTimingMiddleware())
    router.add(middleware: ProblemMiddleware(pages: renderer))
    let routeMethods = RouteMethods()
    router.add(middleware: MethodNotAllowedMiddleware(table: routeMethods))
    router.add(middleware: ClientAddressMiddleware(trustedProxies: dependencies.configuration.trustedProxies))
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: JSONBodyMiddleware())
    let configuration = dependencies.configuration
    let auth = AuthService(client: dependencies.client, settings: configuration.auth, newUserHook: OpenTokenAccount())
    router.add(middleware: AuthenticationMiddleware(auth: auth, adminEmails: configuration.adminEmails, allowedOrigin: configuration.origin))
    router.add(middleware: WebRedirectMiddleware())
    HealthRoutes(client: dependencies.client, migrator: try Migrator()).register(on: router)
    MetricsRoutes(registry: dependencies.metrics, token: dependencies.configuration.metricsToken).register(on: router)
    OpenAPIRoutes().register(on: router)
    AuthRoutes(auth: auth, configuration: configuration).register(on: router)
    MeRoutes(auth: auth, client: dependencies.client).register(on: router)
    let analytics = AnalyticsService(client: dependencies.client)
    AnalyticsRoutes(analytics: analytics).register(on: router)
    // A user is waiting on these calls: a few seconds, then a 503 rather than a hung page.
    let stripe = outside.stripe.map { StripeBilling(stripe: $0.withDeadline(.seconds(5)), client: dependencies.client, baseURL: configuration.baseURL) }
    let prices = outside.stripe.map { StripePrices(stripe: $0.withDeadline(.seconds(3))) }
    let jobs = JobService(client: dependencies.client, blobs: outside.blobs)
    BillingRoutes(client: dependencies.client, jobs: jobs, stripe: stripe, prices: prices).register(on: router)
    AdminUserRoutes(auth: auth, client: dependencies.client, users: AdminUsers(client: dependencies.client, jobs: jobs, adminEmails: configuration.adminEmails))
        .register(on: router)
    registerAdminRoutes(on: router, client: dependencies.client, jobs: jobs)
    StripeWebhookRoutes(client: dependencies.client, webhookSecret: configuration.stripe?.webhookSecret).register(on: router)
    let brands = BrandService(client: dependencies.client, blobs: outside.blobs, limits: PlanBrandLimits())
    BrandRoutes(
        brands: brands, client: dependencies.client,
        extractionsPerHour: configuration.extractionsPerUserPerHour
    ).register(on: router)
    let library = LibraryService(client: dependencies.client, blobs: outside.blobs, baseURL: configuration.baseURL)
    LibraryRoutes(library: library).register(on: router)
    WebPages(
        renderer: renderer, auth: auth, brands: brands, jobs: jobs, library: library, analytics: analytics, client: dependencies.client, stripe: stripe,
        configuration: configuration, staticFiles: try StaticFiles()
    ).register(on: router)
    if let local = outside.blobs as? LocalBlobStore { BlobRoutes(store: local).register(on: router) }
    GenerationRoutes(
        jobs: jobs,
        callbacks: configuration.n8n == nil ? nil : N8NCallbacks(client: dependencies.client, blobs: outside.blobs, fetcher: outside.fetcher),
        events: JobEventHub(
            jobs: jobs, limits: .init(perUser: configuration.eventStreamsPerUser, total: configuration.eventStreamsTotal), logger: dependencies.logger)
    ).register(on: router)
    routeMethods.load(router.routes.map { (method: $0.method, path: $0.path.description) })
    return router
}

/// A user's brand limit is their plan's (`subscription_plan.brand_limit`).
public struct PlanBrandLimits: BrandLimits {
    public init() {}

    public func brandLimit(for userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Int? {
        try await TokenAccountStore().brandLimit(for: userID, on: connection, logger: logger)
    }
}

/// Opens the token account and credits the sign-up grant in the sign-up transaction.
struct OpenTokenAccount: NewUserHook {
    func userCreated(_ user: User, on connection: PostgresConnection, logger: Logger) async throws {
        try await TokenAccountStore().open(for: user.id, on: connection, logger: logger)
    }
}
