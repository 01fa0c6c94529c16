public import Accounts
import AsyncHTTPClient
public import Billing
public import Brands
public import Fetching
public import Generation
public import LLM
public import Logging
public import Reddit
public import Storage

/// Every client of an outside system, built once from configuration and handed to the router,
/// the background work and the commands: the blob store, the SSRF-safe fetcher, the language
/// model, Stripe, the mailer, n8n and Reddit.
public struct AppServices: Sendable {
    public let blobs: any BlobStore
    public let extraction: BrandExtraction
    /// The SSRF-safe fetcher every server-side download goes through.
    public let fetcher: SafeFetcher
    /// The language model for insights and ad copy, when `LLM_BASE_URL` is set.
    public let llm: (any LLMClient)?
    /// Stripe, when `STRIPE_SECRET_KEY` is set; calls a user waits on take `.withDeadline(…)`.
    public let stripe: StripeClient?
    public let mailer: any Mailer
    /// n8n workflows, when `N8N_BASE_URL` is set.
    public let n8n: N8NRunner?
    /// Reddit, when `REDDIT_CLIENT_ID` is set; one client, so every worker shares its rate window.
    public let reddit: RedditClient?

    public init(configuration: AppConfiguration, logger: Logger) throws {
        blobs = try Self.blobStore(configuration)
        let policy = AddressPolicy(
            allowPrivate: configuration.fetchAllowPrivate, network: configuration.fetchLoopbackOnly ? .loopbackOnly() : .internet)
        fetcher = SafeFetcher(http: SafeFetcher.sharedHTTPClient, policy: policy)
        llm = configuration.llm.map { OpenAICompatibleClient(settings: $0, http: .shared, logger: logger) }
        reddit = configuration.reddit.map { RedditClient(settings: $0, logger: logger) }
        extraction = BrandExtraction(blobs: blobs, fetcher: fetcher, llm: llm, reddit: reddit)
        stripe = configuration.stripe.map { StripeClient(settings: $0) }
        mailer = configuration.smtp.map { SMTPMailer(settings: $0, logger: logger) }
            ?? LogMailer(outboxDirectory: configuration.dataDirectory + "/outbox", logger: logger)
        n8n = configuration.n8n.map { N8NRunner(settings: $0, http: .shared) }
    }

    static func blobStore(_ configuration: AppConfiguration) throws -> any BlobStore {
        switch configuration.blobs {
        case .local:
            return LocalBlobStore(directory: configuration.dataDirectory + "/blobs", baseURL: configuration.baseURL + "/blobs")
        case .s3(let settings):
            return S3BlobStore(settings: settings, http: .shared)
        case .vercel(let token, let apiBase):
            do {
                return try VercelBlobStore(token: token, apiBase: apiBase, http: .shared)
            } catch {
                throw ConfigurationError(variable: "BLOB_READ_WRITE_TOKEN", value: "…", accepted: "a Vercel Blob read-write token (vercel_blob_rw_<store>_<secret>)")
            }
        }
    }
}
