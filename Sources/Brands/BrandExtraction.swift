import Crypto
public import Fetching
public import Foundation
import HTMLParser
import Imaging
public import LLM
public import Logging
public import PostgresNIO
public import Reddit
public import Storage

/// Runs the extraction pipeline: the crawl (snapshot into the blob store) and the steps, each
/// reading the snapshot (Reddit: the stored insights) and writing its own result, status and evidence.
public struct BrandExtraction: Sendable {
    let blobs: any BlobStore
    let crawler: Crawler
    let fetcher: SafeFetcher
    let llm: (any LLMClient)?
    /// Reddit, when its credentials are configured; without it the reddit step is skipped.
    let reddit: RedditClient?
    let redditBudget: RedditHarvester.Budget
    let brands = BrandStore()
    let insights = InsightsStore()
    /// Every image download of a brand (logo, hero, photos) takes one of its three slots.
    let downloads = DownloadSlots(limit: 3)

    public init(
        blobs: any BlobStore, fetcher: SafeFetcher, llm: (any LLMClient)?, reddit: RedditClient? = nil, redditBudget: RedditHarvester.Budget = .init(),
        crawlLimits: Crawler.Limits = .init()
    ) {
        self.blobs = blobs
        self.fetcher = fetcher
        self.crawler = Crawler(fetcher: fetcher, limits: crawlLimits)
        self.llm = llm
        self.reddit = reddit
        self.redditBudget = redditBudget
    }

    // MARK: Crawl

    /// Crawls the brand's website and stores the snapshot. With `adoptIdentity` the site's own
    /// name and language replace the defaults the brand was created with. Returns the snapshot.
    @discardableResult
    public func crawl(_ brandID: UUID, adoptName: Bool, adoptLanguage: Bool, client: PostgresClient, logger: Logger) async throws -> WebsiteSnapshot {
        guard let brand = try await client.withConnection({ try await brands.find(brandID, on: $0, logger: logger) }) else {
            throw ExtractionError.brandGone
        }
        guard let root = URL(string: brand.websiteURL) else { throw ExtractionError.failed("stored website URL is invalid") }
        let snapshot = try await crawler.crawl(root, brandID: brandID.uuidString.lowercased(), logger: logger)
        let url = try await blobs.put(try WebsiteSnapshot.encoder.encode(snapshot), key: .websiteSnapshot(brandID: brandID.uuidString), contentType: "application/json")
        let site = SiteAnalysis(snapshot: snapshot)
        let language = SiteIdentity.language(site)
        let languageJSON = String(decoding: try JSONEncoder().encode(language), as: UTF8.self)
        try await client.withConnection { connection in
            try await brands.recordCrawl(
                brandID, snapshotURL: url, name: adoptName ? SiteIdentity.name(site) : nil,
                language: adoptLanguage && language.source != "default" ? language.value : nil, on: connection, logger: logger)
            try await brands.mergeEvidence(brandID, ["language": languageJSON], on: connection, logger: logger)
        }
        return snapshot
    }

    func analysis(of brand: Brand) async throws -> SiteAnalysis {
        guard let url = brand.websiteDataURL, let key = blobs.key(forPublicURL: url) else { throw ExtractionError.failed("the website has not been crawled yet") }
        guard let data = try await blobs.get(key) else { throw ExtractionError.failed("the website snapshot is missing from storage") }
        return SiteAnalysis(snapshot: try WebsiteSnapshot.decoder.decode(WebsiteSnapshot.self, from: data))
    }

    // MARK: Steps

    /// Runs one step and records its outcome. A step that finds nothing is recorded as an error
    /// and returns normally; storage and database failures throw so the task is retried.
    public func run(_ step: ExtractionStep, brandID: UUID, client: PostgresClient, logger: Logger) async throws {
        guard let brand = try await client.withConnection({ try await brands.find(brandID, on: $0, logger: logger) }) else {
            throw ExtractionError.brandGone
        }
        // Reddit reads the stored insights, not the snapshot.
        if step == .reddit { return try await runReddit(brand, client: client, logger: logger) }
        let site = try await analysis(of: brand)
        var evidence: [String: String] = [:]
        var failure: String?
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
        switch step {
        case .fonts:
            let result = FontExtractor().extract(site)
            evidence["fonts"] = try json(result.evidence)
            if result.fonts.isEmpty { failure = "no font-family declarations or web fonts found on the site" } else {
                try await client.withConnection { try await brands.setFonts(brandID, result.fonts, on: $0, logger: logger) }
            }
        case .colors:
            let logo = LogoExtractor().candidates(site, siteName: brand.name).first
            let result = ColorExtractor().extract(site, logoSVG: logo?.inlineSVG)
            evidence["colors"] = try json(result.evidence)
            if result.colors.isEmpty { failure = "no colours found in the site's markup, stylesheets or manifest" } else {
                try await client.withConnection { try await brands.setColors(brandID, result.colors, on: $0, logger: logger) }
            }
        case .logo:
            let (url, chosen, error) = try await rehostLogo(site, brand: brand, logger: logger)
            if let chosen { evidence["logo"] = try json(chosen) }
            failure = error
            if let url { try await client.withConnection { try await brands.setLogo(brandID, url, on: $0, logger: logger) } }
        case .hero:
            let result = HeroExtractor().extract(site)
            let hero = await rehost(result.hero, brandID: brandID, kind: "hero", logger: logger)
            let photos = await rehost(result.photos, brandID: brandID, kind: "photos", logger: logger)
            evidence["hero"] = try json(hero.map(\.evidence))
            evidence["photos"] = try json(photos.map(\.evidence))
            let heroURLs = hero.compactMap(\.url), photoURLs = photos.compactMap(\.url)
            if heroURLs.isEmpty && photoURLs.isEmpty {
                failure = result.hero.isEmpty && result.photos.isEmpty ? "no hero image or photo found on the site" : "images were found but none could be downloaded"
            } else {
                try await client.withConnection { try await brands.setImages(brandID, hero: heroURLs, photos: photoURLs, on: $0, logger: logger) }
            }
        case .insights:
            let (fields, raw) = try await extractInsights(site, brand: brand, logger: logger)
            let rawJSON = String(decoding: try JSONSerialization.data(withJSONObject: raw, options: [.sortedKeys]), as: UTF8.self)
            // Each item's receipts: the page sentences that say it, whoever wrote the item.
            let receipts = WebsiteReceiptFinder(site).receipts(for: fields)
            try await client.withConnection { try await insights.save(brandID, fields, raw: rawJSON, receipts: receipts, on: $0, logger: logger) }
        case .reddit:
            break
        }
        try await client.withConnection { try await brands.finishStep(brandID, step, error: failure, evidence: evidence, on: $0, logger: logger) }
    }

    /// The insights, from the model or offline, and — whichever wrote them — the testimonials
    /// and offers found verbatim on the pages, the only ones an ad may use.
    func extractInsights(_ site: SiteAnalysis, brand: Brand, logger: Logger) async throws -> (InsightFields, [String: Any]) {
        var (fields, raw) = llm == nil
            ? OfflineInsights().extract(site, brandName: brand.name)
            : try await LLMInsights(client: llm!).extract(site, brandName: brand.name)
        raw["grounded"] = GroundedClaims.extract(from: site).jsonObject
        return (fields, raw)
    }
}

/// Why extraction could not run.
public enum ExtractionError: Error, CustomStringConvertible, Sendable {
    case brandGone
    case failed(String)

    public var description: String {
        switch self {
        case .brandGone: "the brand no longer exists"
        case .failed(let reason): reason
        }
    }
}
