import Crypto
import Fetching
import Foundation
import HTMLParser
import Imaging
import Logging
import Storage

extension BrandExtraction {
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
