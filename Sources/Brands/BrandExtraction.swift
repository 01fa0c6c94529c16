import Crypto
public import Fetching
public import Foundation
import HTMLParser
import Imaging
public import LLM
public import Logging
public import PostgresNIO
public import Storage

/// Runs the extraction pipeline: the crawl (snapshot into the blob store) and the five steps,
/// each reading the snapshot and writing its own result, status and evidence.
public struct BrandExtraction: Sendable {
    let blobs: any BlobStore
    let crawler: Crawler
    let fetcher: SafeFetcher
    let llm: (any LLMClient)?
    let brands = BrandStore()
    let insights = InsightsStore()
    /// Every image download of a brand (logo, hero, photos) takes one of its three slots.
    let downloads = DownloadSlots(limit: 3)

    public init(blobs: any BlobStore, fetcher: SafeFetcher, llm: (any LLMClient)?, crawlLimits: Crawler.Limits = .init()) {
        self.blobs = blobs
        self.fetcher = fetcher
        self.crawler = Crawler(fetcher: fetcher, limits: crawlLimits)
        self.llm = llm
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
            try await client.withConnection { try await insights.save(brandID, fields, raw: rawJSON, on: $0, logger: logger) }
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

    // MARK: Re-hosting images

    /// Tries logo candidates best first; the first that downloads and decodes wins.
    func rehostLogo(_ site: SiteAnalysis, brand: Brand, logger: Logger) async throws -> (String?, ImageEvidence?, String?) {
        let candidates = LogoExtractor().candidates(site, siteName: brand.name)
        guard let best = candidates.first else { return (nil, nil, "no logo found: no header or home-link image, inline SVG, JSON-LD logo or touch icon") }
        var firstFailure: ImageEvidence?
        for candidate in candidates.prefix(4) {
            do {
                let url = try await downloads.run(for: brand.id) { try await storeLogo(candidate, brandID: brand.id, logger: logger) }
                return (url, candidate.evidence, nil)
            } catch {
                var failed = candidate.evidence
                failed.error = "\(error)"
                firstFailure = firstFailure ?? failed
                logger.info("logo candidate failed", metadata: ["source": "\(candidate.evidence.sourceURL)", "error": "\(error)"])
            }
        }
        let failed = firstFailure ?? best.evidence
        return (nil, failed, "logo found at \(failed.sourceURL) but it could not be used: \(failed.error ?? "unknown error")")
    }

    /// Stores an SVG logo as SVG plus a PNG beside it (same name), a raster logo as PNG.
    func storeLogo(_ candidate: LogoExtractor.Candidate, brandID: UUID, logger: Logger) async throws -> String {
        let svgElement: HTMLElement?
        var raster: Data?
        if let inline = candidate.inlineSVG {
            svgElement = inline
        } else {
            let data = try await download(candidate.evidence.sourceURL)
            if ImageCodec.kind(of: data) == "svg" || String(decoding: data.prefix(512), as: UTF8.self).contains("<svg") {
                svgElement = SVGSanitizer.root(in: HTMLDocument(bytes: Array(data)))
                guard svgElement != nil else { throw ExtractionError.failed("not an SVG image") }
            } else {
                svgElement = nil
                raster = data
            }
        }
        if let svgElement {
            let markup = Data(SVGSanitizer.standalone(svgElement).utf8)
            let png = try await ImageCodec.reencode(markup, maxWidth: 1024, maxHeight: 512, as: .png)
            guard png.width >= 16, png.height >= 8 else { throw ExtractionError.failed("SVG logo renders to \(png.width)×\(png.height)") }
            let name = Self.contentName(markup)
            try await blobs.put(png.data, key: try .brandAsset(brandID: brandID.uuidString, kind: "logo", name: name + ".png"), contentType: "image/png")
            return try await blobs.put(markup, key: try .brandAsset(brandID: brandID.uuidString, kind: "logo", name: name + ".svg"), contentType: "image/svg+xml")
        }
        let image = try await ImageCodec.reencode(raster!, maxWidth: 1024, maxHeight: 1024, as: .png)
        guard image.width >= 16, image.height >= 16 else { throw ExtractionError.failed("image is only \(image.width)×\(image.height)") }
        return try await blobs.put(image.data, key: try .brandAsset(brandID: brandID.uuidString, kind: "logo", name: Self.contentName(image.data) + ".png"), contentType: "image/png")
    }

    struct Rehosted: Sendable {
        let evidence: ImageEvidence
        let url: String?
    }

    /// Downloads, validates and re-encodes images in the brand's download slots (three at a
    /// time, shared with the logo step), keeping the order.
    func rehost(_ images: [ImageEvidence], brandID: UUID, kind: String, logger: Logger) async -> [Rehosted] {
        await withTaskGroup(of: (Int, Rehosted).self) { group in
            for (index, evidence) in images.enumerated() {
                group.addTask {
                    do {
                        let url = try await downloads.run(for: brandID) {
                            let data = try await download(evidence.sourceURL)
                            let image = try await ImageCodec.reencode(data, maxWidth: 2048, maxHeight: 2048, as: .webp, quality: 85)
                            guard image.sourceKind != "svg" else { throw ExtractionError.failed("vector graphics are not photos") }
                            guard image.width >= 200, image.height >= 150 else { throw ExtractionError.failed("image is only \(image.width)×\(image.height)") }
                            let key = try BlobKey.brandAsset(brandID: brandID.uuidString, kind: kind, name: Self.contentName(image.data) + ".webp")
                            return try await blobs.put(image.data, key: key, contentType: "image/webp")
                        }
                        return (index, Rehosted(evidence: evidence, url: url))
                    } catch {
                        var failed = evidence
                        failed.error = "\(error)"
                        return (index, Rehosted(evidence: failed, url: nil))
                    }
                }
            }
            var results: [(Int, Rehosted)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// The bytes behind a URL found on the page: a `data:` URI decoded, anything else fetched
    /// under the SSRF rules.
    func download(_ source: String) async throws -> Data {
        if source.hasPrefix("data:") {
            guard let comma = source.firstIndex(of: ",") else { throw ExtractionError.failed("malformed data URI") }
            let header = source[..<comma]
            let payload = String(source[source.index(after: comma)...])
            if header.hasSuffix(";base64") {
                guard let data = Data(base64Encoded: payload.removingPercentEncoding ?? payload) else { throw ExtractionError.failed("malformed base64 data URI") }
                return data
            }
            return Data((payload.removingPercentEncoding ?? payload).utf8)
        }
        var limits = FetchLimits.image
        limits.acceptedTypes = ["image/", "application/octet-stream", "binary/octet-stream", "text/xml", "application/xml"]
        return try await fetcher.fetch(source, limits: limits).body
    }

    /// A name derived from the content: the same image gets the same key, so URLs can be cached forever.
    static func contentName(_ data: Data) -> String {
        SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
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
