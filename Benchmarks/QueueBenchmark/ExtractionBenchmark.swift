import Brands
import Foundation
import HTMLParser
import Imaging

/// Our own processing time per crawled page, without network or database: the fixture
/// websites of the brand tests, parsed and run through every extractor, against a baseline of
/// parsing the same pages with libxml2 alone. Plus the cost of re-encoding one photo.
enum ExtractionBenchmark {
    static let rounds = 40

    static func run() async throws {
        let snapshots = try loadSites()
        let pages = snapshots.reduce(0) { $0 + $1.pages.count }

        let clock = ContinuousClock()
        let parseOnly = clock.measure {
            for _ in 0..<rounds {
                for snapshot in snapshots { for page in snapshot.pages { _ = HTMLDocument(html: page.html) } }
            }
        }
        let full = clock.measure {
            for _ in 0..<rounds {
                for snapshot in snapshots {
                    let site = SiteAnalysis(snapshot: snapshot)
                    let name = SiteIdentity.name(site)
                    _ = SiteIdentity.language(site)
                    _ = FontExtractor().extract(site)
                    let logo = LogoExtractor().candidates(site, siteName: name)
                    _ = ColorExtractor().extract(site, logoSVG: logo.first?.inlineSVG)
                    _ = HeroExtractor().extract(site)
                    _ = OfflineInsights().extract(site, brandName: name)
                }
            }
        }
        let source = try await ImageCodec.reencode(svgPhoto(), maxWidth: 1400, maxHeight: 900, as: .png)
        let encodeStart = clock.now
        let encodes = 20
        for _ in 0..<encodes { _ = try await ImageCodec.reencode(source.data, maxWidth: 2048, maxHeight: 2048, as: .webp, quality: 85) }
        let encode = clock.now - encodeStart

        let perPage = milliseconds(full) / Double(rounds * pages)
        let parsePerPage = milliseconds(parseOnly) / Double(rounds * pages)
        print("")
        print("extraction benchmark (\(snapshots.count) fixture sites, \(pages) pages, \(rounds) rounds, no network)")
        print(String(format: "  libxml2 parse only:          %7.2f ms per page", parsePerPage))
        print(String(format: "  parse + every extractor:     %7.2f ms per page", perPage))
        print(String(format: "  ratio extraction/parse:      %7.2f", perPage / parsePerPage))
        print(String(format: "  photo re-encode (1400×900 PNG → WEBP): %.1f ms per image", milliseconds(encode) / Double(encodes)))
    }

    /// Each fixture site as a snapshot: its HTML pages (index first), stylesheets and manifest.
    static func loadSites() throws -> [WebsiteSnapshot] {
        let root = URL(fileURLWithPath: "Tests/BrandsTests/Sites")
        let sites = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        return try sites.map { site in
            let directory = root.appendingPathComponent(site)
            let files = (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []).sorted()
            func text(_ file: String) throws -> String {
                let data = try Data(contentsOf: directory.appendingPathComponent(file))
                return String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) ?? ""
            }
            let html: [String] = files.filter { $0.hasSuffix(".html") }.sorted { a, b in
                let aHome = a.hasSuffix("index.html"), bHome = b.hasSuffix("index.html")
                return aHome != bHome ? aHome : a < b
            }
            let base = "https://\(site).example"
            let pages: [WebsiteSnapshot.Page] = try html.map { file in
                WebsiteSnapshot.Page(path: "/" + file, url: base + "/" + file, title: nil, status: 200, html: try text(file), truncated: nil)
            }
            let stylesheets: [WebsiteSnapshot.Resource] = try files.filter { $0.hasSuffix(".css") }.map { file in
                WebsiteSnapshot.Resource(url: base + "/" + file, body: try text(file))
            }
            let manifest: WebsiteSnapshot.Resource? = try files.first { $0.hasSuffix(".webmanifest") }.map { file in
                WebsiteSnapshot.Resource(url: base + "/" + file, body: try text(file))
            }
            return WebsiteSnapshot(
                brandID: site, rootURL: base, createdAt: Date(), pages: pages, stylesheets: stylesheets, manifest: manifest,
                errors: [])
        }
    }

    /// A photo-sized test image (gradients and shapes) made without fixture files.
    static func svgPhoto() -> Data {
        Data(
            """
            <svg xmlns="http://www.w3.org/2000/svg" width="1400" height="900"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">\
            <stop offset="0" stop-color="#5B3DF5"/><stop offset="1" stop-color="#FF7A59"/></linearGradient></defs>\
            <rect width="1400" height="900" fill="url(#g)"/><circle cx="700" cy="450" r="300" fill="#fff" fill-opacity="0.4"/></svg>
            """.utf8)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
