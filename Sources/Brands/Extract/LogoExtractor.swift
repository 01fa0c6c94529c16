import Foundation
public import HTMLParser

/// Finds the brand's logo on the home page.
///
/// Scores images and inline SVGs by place (header/nav, inside the link to the home page) and
/// by name (`logo` in class, id, alt or file name), adds JSON-LD `Organization.logo`, touch
/// icons and manifest icons as weaker fallbacks, and rejects logo walls ("trusted by …",
/// customer and partner strips), footers' partner badges and UI icons.
public struct LogoExtractor: Sendable {
    public struct Candidate: Sendable {
        public let evidence: ImageEvidence
        /// The markup of an inline SVG logo (stored as a file when chosen).
        public let inlineSVG: HTMLElement?
    }

    public init() {}

    static let wallWords = ["trusted", "customers", "clients", "partners", "logos", "logo-wall", "logowall", "brands", "marquee", "carousel", "as-seen", "featured-in", "press-", "investors", "backed", "integrations", "sponsors"]
    static let wallPhrases = ["trusted by", "used by", "loved by", "as seen", "featured in", "our customers", "our clients", "backed by", "partners", "teams at", "companies"]
    static let iconWords = ["icon", "arrow", "chevron", "menu", "hamburger", "search", "close", "caret", "burger", "cart", "avatar", "flag", "social", "twitter", "facebook", "linkedin", "instagram", "youtube", "github"]

    /// Candidates, best first.
    public func candidates(_ site: SiteAnalysis, siteName: String?) -> [Candidate] {
        let home = site.home
        var found: [Candidate] = []
        let brandWord = siteName?.lowercased().split(separator: " ").first.map(String.init)
        home.document.root.walk { element, ancestors in
            guard element.name == "img" || element.name == "svg" else { return }
            // SVGs nested in an SVG are parts of it.
            if element.name == "svg", ancestors.contains(where: { $0.name == "svg" }) { return }
            let chain = ancestors.suffix(6)
            if Self.isInWall(chain) { return }
            let inHeader = chain.contains { ["header", "nav"].contains($0.name) || Self.hints($0).contains("header") || Self.hints($0).contains("navbar") }
            let homeLink = chain.last(where: { $0.name == "a" }).map { Self.isHomeLink($0["href"], site: site) } ?? false
            let inFooter = chain.contains { $0.name == "footer" || Self.hints($0).contains("footer") }
            let ownHints = Self.hints(element) + " " + (element["src"] ?? "").lowercased() + " " + (element["alt"] ?? "").lowercased()
            let nearHints = chain.suffix(2).map(Self.hints).joined(separator: " ")
            if Self.iconWords.contains(where: { ownHints.contains($0) }) && !ownHints.contains("logo") { return }
            if let width = element["width"].flatMap(Self.pixels), width < 20 { return }
            if let height = element["height"].flatMap(Self.pixels), height < 8 { return }
            if Self.isPixel(element["src"] ?? "") { return }
            var score = 0.0
            if inHeader { score += 4 }
            if homeLink { score += 5 }
            if ownHints.contains("logo") { score += 4 } else if nearHints.contains("logo") || nearHints.contains("brand") { score += 3 }
            if let brandWord, brandWord.count > 2, (element["alt"] ?? "").lowercased().contains(brandWord) { score += 1.5 }
            if inFooter { score *= 0.4 }
            guard score >= 4 else { return }
            if element.name == "svg" {
                found.append(Candidate(evidence: ImageEvidence(sourceURL: home.url.absoluteString, method: "inline-svg", score: score), inlineSVG: element))
            } else if let source = element["src"] ?? element["data-src"], let url = site.absolute(source, on: home.url) {
                let method = homeLink ? "home-link-img" : (inHeader ? "header-img" : "named-img")
                found.append(Candidate(evidence: ImageEvidence(sourceURL: url.absoluteString, method: method, score: score), inlineSVG: nil))
            }
        }
        for object in site.jsonLD {
            let type = (object["@type"] as? String) ?? ((object["@type"] as? [String])?.first ?? "")
            guard ["Organization", "Corporation", "Brand", "LocalBusiness", "OnlineStore", "Store"].contains(type) else { continue }
            let logo = (object["logo"] as? String) ?? ((object["logo"] as? [String: Any])?["url"] as? String)
            if let logo, let url = site.absolute(logo) {
                found.append(Candidate(evidence: ImageEvidence(sourceURL: url.absoluteString, method: "json-ld", score: 6), inlineSVG: nil))
            }
        }
        found += Self.cssBackgroundCandidates(site)
        found += Self.iconCandidates(site)
        if let icons = site.manifest?.icons {
            let largest = icons.max { Self.iconSize($0.sizes) < Self.iconSize($1.sizes) }
            if let largest, let url = site.absolute(largest.src, on: site.manifestURL) {
                found.append(Candidate(evidence: ImageEvidence(sourceURL: url.absoluteString, method: "manifest-icon", score: 1.5), inlineSVG: nil))
            }
        }
        var seen: Set<String> = []
        return found.enumerated()
            .sorted { $0.element.evidence.score == $1.element.evidence.score ? $0.offset < $1.offset : $0.element.evidence.score > $1.element.evidence.score }
            .map(\.element)
            .filter { $0.inlineSVG != nil || seen.insert($0.evidence.sourceURL).inserted }
    }

    static func hints(_ element: HTMLElement) -> String {
        ((element["class"] ?? "") + " " + (element["id"] ?? "") + " " + (element["aria-label"] ?? "") + " " + (element["data-testid"] ?? "")).lowercased()
    }

    static func isHomeLink(_ href: String?, site: SiteAnalysis) -> Bool {
        guard let href, let url = site.absolute(href) else { return false }
        let homePaths: Set<String> = ["", "/", site.rootURL.path, site.home.url.path]
        return SiteScope.sameSite(url, site.rootURL) && homePaths.contains(url.path) && url.fragment == nil
    }

    /// A logo strip: a container named like one, or introduced by a phrase like "Trusted by".
    static func isInWall(_ chain: ArraySlice<HTMLElement>) -> Bool {
        for ancestor in chain {
            let hints = Self.hints(ancestor)
            if wallWords.contains(where: { hints.contains($0) }) { return true }
            if ["section", "div", "ul"].contains(ancestor.name) {
                let heading = ancestor.elements.first { ["h2", "h3", "h4", "p", "span", "div"].contains($0.name) && !$0.text.isEmpty && $0.text.count < 80 }
                if let heading, wallPhrases.contains(where: { heading.text.lowercased().contains($0) }) { return true }
            }
        }
        return false
    }

    static func iconSize(_ sizes: String?) -> Int {
        (sizes ?? "").split(separator: " ").compactMap { $0.split(separator: "x").first.flatMap { Int($0) } }.max() ?? 0
    }

    /// An HTML `width`/`height` attribute in pixels; `inf` and `nan` (which `Double` reads) are
    /// not sizes and would poison the scores they feed.
    static func pixels(_ attribute: String) -> Double? {
        Double(attribute.replacingOccurrences(of: "px", with: "")).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
    }
}
