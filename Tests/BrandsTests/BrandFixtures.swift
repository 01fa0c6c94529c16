import Accounts
import Billing
import Brands
import Fetching
import Foundation
import LLM
import Logging
import PostgresNIO
import Reddit
import Storage
import TestSupport
import Testing

/// A brand extracted from a fixture website, with what the tests inspect.
struct ExtractedBrand {
    let detail: BrandService.Detail
    /// `brand_extraction_status.evidence` as JSON.
    let evidence: [String: Any]
    let snapshot: WebsiteSnapshot
    let blobs: LocalBlobStore
    let site: SiteTestServer

    var brand: Brand { detail.brand }
    var status: ExtractionStatus { detail.extractionStatus! }
    var insights: InsightFields { detail.insights!.fields }
    var rawInsights: [String: Any] { (try? JSONSerialization.jsonObject(with: Data((detail.insights?.raw ?? "{}").utf8))) as? [String: Any] ?? [:] }

    func error(_ step: ExtractionStep) -> String? { status.steps[step]?.error }
    func stepStatus(_ step: ExtractionStep) -> StepStatus? { status.steps[step]?.status }

    /// The evidence `source_url`s of a list (hero, photos), as paths relative to the site.
    func sources(_ key: String) -> [String] {
        ((evidence[key] as? [[String: Any]]) ?? []).compactMap { ($0["source_url"] as? String)?.replacingOccurrences(of: site.url, with: "") }
    }

    func logoEvidence() -> (source: String, method: String)? {
        guard let logo = evidence["logo"] as? [String: Any], let source = logo["source_url"] as? String, let method = logo["method"] as? String else { return nil }
        return (source.replacingOccurrences(of: site.url, with: ""), method)
    }

    /// The bytes behind one of the brand's blob URLs.
    func blob(_ url: String?) async throws -> Data? {
        guard let url, let key = blobs.key(forPublicURL: url) else { return nil }
        return try await blobs.get(key)
    }
}

/// Serves `site`, creates a user and a brand for it, runs the whole pipeline in-process and
/// hands the result to `check`.
func extractFixture(
    _ site: String, llm: (any LLMClient)? = nil, reddit: RedditClient? = nil, allowPrivate: Bool = true,
    _ check: @escaping @Sendable (ExtractedBrand, TestDatabase) async throws -> Void
) async throws {
    let server = try SiteTestServer(site: site)
    try await server.start()
    defer { server.stop() }
    try await TestDatabase.with { db in
        let blobs = LocalBlobStore(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)").path,
            baseURL: "http://blumpo.test/blobs")
        // Loopback only: links to outside hosts (Google Fonts…) fail the same way online and offline.
        let fetcher = SafeFetcher(http: SafeFetcher.sharedHTTPClient, policy: AddressPolicy(allowPrivate: allowPrivate, network: .loopbackOnly()))
        let extraction = BrandExtraction(blobs: blobs, fetcher: fetcher, llm: llm, reddit: reddit)
        let brandID = try await makeBrand(url: server.url, db: db)
        try await extraction.runInline(brandID, adoptName: true, adoptLanguage: true, client: db.client, logger: db.logger) { _ in }
        let (userID, evidenceText) = try await db.client.withConnection { connection in
            let brand = try await BrandStore().find(brandID, on: connection, logger: db.logger)!
            return (brand.userID, try await BrandStore().evidence(brandID, on: connection, logger: db.logger))
        }
        let detail = try await BrandService(client: db.client, blobs: blobs, limits: NoBrandLimit()).detail(brandID, userID: userID, logger: db.logger)
        let snapshotData = try #require(try await blobs.get(.websiteSnapshot(brandID: brandID.uuidString)))
        let extracted = ExtractedBrand(
            detail: detail,
            evidence: try #require(try JSONSerialization.jsonObject(with: Data(evidenceText.utf8)) as? [String: Any]),
            snapshot: try WebsiteSnapshot.decoder.decode(WebsiteSnapshot.self, from: snapshotData), blobs: blobs, site: server)
        try await check(extracted, db)
    }
}

/// A user with a token account and a brand for `url` named after its host.
func makeBrand(url: String, email: String = "owner-\(UUID().uuidString.prefix(8).lowercased())@example.com", db: TestDatabase) async throws -> UUID {
    try await db.client.withConnection { connection in
        let (user, _) = try await UserStore().findOrCreate(email: email, on: connection, logger: db.logger)
        try await TokenAccountStore().open(for: user.id, on: connection, logger: db.logger)
        let brand = try await BrandStore().insert(userID: user.id, name: "127.0.0.1", websiteURL: url, language: "en", on: connection, logger: db.logger)
        return try #require(brand).id
    }
}

/// Extraction fixtures create brands directly; no plan limit applies.
struct NoBrandLimit: BrandLimits {
    func brandLimit(for userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Int? { nil }
}
