import AsyncHTTPClient
public import Brands
public import Logging
public import Storage

/// The brand pipeline's outside connections, built once from configuration: the blob store, the
/// SSRF-safe fetcher and the insights model.
public struct BrandServices: Sendable {
    public let blobs: any BlobStore
    public let extraction: BrandExtraction
    /// The SSRF-safe fetcher every server-side download goes through.
    public let fetcher: SafeFetcher
    /// The language model for insights and ad copy, when `LLM_BASE_URL` is set.
    public let llm: (any LLMClient)?

    public init(configuration: AppConfiguration, logger: Logger) throws {
        blobs = try Self.blobStore(configuration)
        let policy = AddressPolicy(
            allowPrivate: configuration.fetchAllowPrivate, network: configuration.fetchLoopbackOnly ? .loopbackOnly() : .internet)
        fetcher = SafeFetcher(http: SafeFetcher.sharedHTTPClient, policy: policy)
        llm = configuration.llm.map { OpenAICompatibleClient(settings: $0, http: .shared, logger: logger) }
        extraction = BrandExtraction(blobs: blobs, fetcher: fetcher, llm: llm)
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
