public import Fetching
public import Foundation
import HTMLParser
public import Logging

/// Crawls a brand's website: the home page, a few same-site pages that describe the product,
/// their stylesheets (one level of `@import`) and the web app manifest, within a time budget.
public struct Crawler: Sendable {
    public struct Limits: Sendable {
        public var extraPages = 4
        public var stylesheets = 10
        public var budget: Duration = .seconds(25)
        public init() {}
    }

    let fetcher: SafeFetcher
    let limits: Limits

    public init(fetcher: SafeFetcher, limits: Limits = Limits()) {
        self.fetcher = fetcher
        self.limits = limits
    }

    /// Words in a link's path or text that mark a page worth reading, with their weight.
    static let interestingPages: [(String, Double)] = [
        ("pricing", 5), ("price", 4), ("plans", 4), ("features", 5), ("feature", 4), ("product", 4), ("products", 4),
        ("solutions", 3), ("solution", 3), ("about", 3), ("how-it-works", 3), ("why", 2), ("customers", 1), ("faq", 2),
        ("preise", 4), ("funktionen", 4), ("produkt", 4), ("tarifs", 4), ("fonctionnalites", 4), ("precios", 4),
    ]

    /// Crawls `root`. Throws when the home page itself cannot be fetched; anything else that
    /// fails is recorded in `errors`.
    public func crawl(_ root: URL, brandID: String, logger: Logger) async throws -> WebsiteSnapshot {
        let deadline = ContinuousClock.now + limits.budget
        let home = try await fetcher.fetch(root, limits: .page)
        let homeDocument = HTMLDocument(bytes: Array(home.body), charset: home.charset)
        var snapshot = WebsiteSnapshot(
            brandID: brandID, rootURL: root.absoluteString, createdAt: Date(),
            pages: [Self.page(home, document: homeDocument)], stylesheets: [], manifest: nil, errors: [])

        let pageURLs = Self.candidatePages(in: homeDocument, base: home.url).prefix(limits.extraPages)
        var documents = [homeDocument]
        let fetched = await fetchAll(Array(pageURLs), limits: .page, deadline: deadline)
        for (url, result) in fetched {
            switch result {
            case .success(let resource):
                let document = HTMLDocument(bytes: Array(resource.body), charset: resource.charset)
                documents.append(document)
                snapshot.pages.append(Self.page(resource, document: document))
            case .failure(let error): snapshot.errors.append("\(url.absoluteString): \(error)")
            }
        }

        var stylesheetURLs: [URL] = []
        for (index, document) in documents.enumerated() {
            let base = URL(string: snapshot.pages[index].url) ?? root
            for link in document.root.all("link") where (link["rel"] ?? "").lowercased().split(separator: " ").contains("stylesheet") {
                if let href = link["href"], let url = URL(string: href, relativeTo: base)?.absoluteURL, !stylesheetURLs.contains(url) {
                    stylesheetURLs.append(url)
                }
            }
        }
        stylesheetURLs = Array(stylesheetURLs.prefix(limits.stylesheets))
        var imported: [URL] = []
        for (url, result) in await fetchAll(stylesheetURLs, limits: .stylesheet, deadline: deadline) {
            switch result {
            case .success(let resource):
                let text = String(decoding: resource.body, as: UTF8.self)
                snapshot.stylesheets.append(.init(url: resource.url.absoluteString, body: text))
                for target in Stylesheet(text).imports {
                    if let next = URL(string: target, relativeTo: resource.url)?.absoluteURL, !stylesheetURLs.contains(next), !imported.contains(next) {
                        imported.append(next)
                    }
                }
            case .failure(let error): snapshot.errors.append("\(url.absoluteString): \(error)")
            }
        }
        for (url, result) in await fetchAll(Array(imported.prefix(limits.stylesheets)), limits: .stylesheet, deadline: deadline) {
            switch result {
            case .success(let resource): snapshot.stylesheets.append(.init(url: resource.url.absoluteString, body: String(decoding: resource.body, as: UTF8.self)))
            case .failure(let error): snapshot.errors.append("\(url.absoluteString): \(error)")
            }
        }

        if let href = homeDocument.root.all("link").first(where: { ($0["rel"] ?? "").lowercased() == "manifest" })?["href"],
            let url = URL(string: href, relativeTo: home.url)?.absoluteURL
        {
            for (_, result) in await fetchAll([url], limits: .manifest, deadline: deadline) {
                switch result {
                case .success(let resource): snapshot.manifest = .init(url: resource.url.absoluteString, body: String(decoding: resource.body, as: UTF8.self))
                case .failure(let error): snapshot.errors.append("\(url.absoluteString): \(error)")
                }
            }
        }
        logger.debug("crawled \(root)", metadata: ["pages": "\(snapshot.pages.count)", "stylesheets": "\(snapshot.stylesheets.count)"])
        return snapshot
    }

    /// Fetches up to four URLs at a time, giving up on whatever is left when the budget runs out.
    private func fetchAll(_ urls: [URL], limits: FetchLimits, deadline: ContinuousClock.Instant) async -> [(URL, Result<FetchedResource, any Error>)] {
        guard !urls.isEmpty else { return [] }
        return await withTaskGroup(of: (Int, URL, Result<FetchedResource, any Error>).self) { group in
            var results: [(Int, URL, Result<FetchedResource, any Error>)] = []
            var next = 0
            func add() {
                let index = next
                let url = urls[index]
                next += 1
                var bounded = limits
                let remaining = deadline - ContinuousClock.now
                if remaining < bounded.timeout { bounded.timeout = max(remaining, .milliseconds(1)) }
                group.addTask {
                    guard ContinuousClock.now < deadline else { return (index, url, .failure(FetchError.timedOut(url.absoluteString))) }
                    do { return (index, url, .success(try await fetcher.fetch(url, limits: bounded))) } catch { return (index, url, .failure(error)) }
                }
            }
            while next < min(4, urls.count) { add() }
            while let result = await group.next() {
                results.append(result)
                if next < urls.count { add() }
            }
            return results.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) }
        }
    }

    static func page(_ resource: FetchedResource, document: HTMLDocument) -> WebsiteSnapshot.Page {
        let title = document.root.all("title").first?.text
        let path = resource.url.path.isEmpty ? "/" : resource.url.path
        return .init(
            path: path, url: resource.url.absoluteString, title: title, status: resource.status,
            html: Self.decodedText(resource), truncated: resource.truncated ? true : nil)
    }

    /// The page as text: UTF-8 when it is valid UTF-8, else Windows-1252/Latin-1 (what browsers fall back to).
    static func decodedText(_ resource: FetchedResource) -> String {
        if let text = String(data: resource.body, encoding: .utf8) { return text }
        return String(data: resource.body, encoding: .windowsCP1252) ?? String(decoding: resource.body, as: UTF8.self)
    }

    /// Same-site links ranked by how likely they describe the product.
    static func candidatePages(in document: HTMLDocument, base: URL) -> [URL] {
        var scored: [URL: Double] = [:]
        for link in document.root.all("a") {
            guard let href = link["href"], let url = URL(string: href, relativeTo: base)?.absoluteURL,
                ["http", "https"].contains(url.scheme ?? ""), SiteScope.sameSite(url, base),
                url.path != base.path, !url.path.isEmpty, url.path != "/"
            else { continue }
            var clean = URLComponents(url: url, resolvingAgainstBaseURL: true)!
            clean.fragment = nil
            clean.query = nil
            guard let target = clean.url else { continue }
            let haystack = (target.path + " " + link.text).lowercased()
            let score = interestingPages.reduce(0.0) { total, entry in haystack.contains(entry.0) ? max(total, entry.1) : total }
            let depthPenalty = Double(target.pathComponents.count) * 0.1
            if score > 0 { scored[target] = max(scored[target] ?? 0, score - depthPenalty) }
        }
        return scored.sorted { $0.value == $1.value ? $0.key.absoluteString < $1.key.absoluteString : $0.value > $1.value }.map(\.key)
    }
}

/// Which URLs belong to the same website as the brand's.
enum SiteScope {
    /// Same host, ignoring a leading `www.`, and the same port.
    static func sameSite(_ a: URL, _ b: URL) -> Bool {
        func host(_ url: URL) -> String {
            let host = (url.host ?? "").lowercased()
            return host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        }
        return host(a) == host(b) && a.port == b.port
    }
}
