import Foundation
import HTMLParser

extension LogoExtractor {
    /// The home link drawn by CSS, as themes often do it: `<a href="/" class="site-logo"></a>`
    /// (or a `<span>` inside it) with `background-image: url(logo.svg)` in a stylesheet or in
    /// its `style` attribute. Links holding an `<img>` or `<svg>` are scored by the main walk.
    static func cssBackgroundCandidates(_ site: SiteAnalysis) -> [Candidate] {
        var found: [Candidate] = []
        let home = site.home
        home.document.root.walk { element, ancestors in
            guard element.name == "a", isHomeLink(element["href"], site: site), element.all("img").isEmpty, element.all("svg").isEmpty else { return }
            let chain = ancestors.suffix(6)
            if isInWall(chain) { return }
            let inHeader = chain.contains { ["header", "nav"].contains($0.name) || hints($0).contains("header") || hints($0).contains("navbar") }
            let inFooter = chain.contains { $0.name == "footer" || hints($0).contains("footer") }
            for target in [element] + element.elements {
                let named = hints(target)
                var score = 5.0 + (inHeader ? 4 : 0) + (named.contains("logo") || named.contains("brand") ? 3 : 0)
                if inFooter { score *= 0.4 }
                guard score >= 5 else { continue }
                for source in backgroundURLs(of: target, site: site) {
                    guard let url = site.absolute(source, on: home.url), !isPixel(url.absoluteString) else { continue }
                    found.append(Candidate(evidence: ImageEvidence(sourceURL: url.absoluteString, method: "css-background", score: score), inlineSVG: nil))
                }
            }
        }
        return found
    }

    /// Background image URLs an element gets from its `style` and from rules naming its classes or id.
    static func backgroundURLs(of element: HTMLElement, site: SiteAnalysis) -> [String] {
        var urls: [String] = []
        for declaration in Stylesheet.declarations(element["style"] ?? "") where declaration.property.hasPrefix("background") {
            urls += CSSValue.urls(in: declaration.value)
        }
        let names = (element["class"] ?? "").split(separator: " ").map { "." + $0 } + (element["id"].map { ["#" + $0] } ?? [])
        guard !names.isEmpty else { return urls }
        for sheet in site.stylesheets {
            for rule in sheet.rules where selector(rule.selector, names: names) {
                for declaration in rule.declarations where declaration.property.hasPrefix("background") {
                    urls += CSSValue.urls(in: site.resolve(declaration.value))
                }
            }
        }
        return urls
    }

    /// Whether one of the selector's parts ends in a compound naming `.class` or `#id` as a whole
    /// token (`.logo` matches `header .logo` and `a.logo:hover`, not `.logo-wall`).
    static func selector(_ selector: String, names: [String]) -> Bool {
        selector.split(separator: ",").contains { part in
            let last = part.split(whereSeparator: { $0 == " " || $0 == ">" || $0 == "+" || $0 == "~" }).last.map(String.init) ?? ""
            return names.contains { name in
                var from = last.startIndex
                while let range = last.range(of: name, range: from..<last.endIndex) {
                    let next = last[range.upperBound...].first
                    if next == nil || ".:#[".contains(next!) { return true }
                    from = range.upperBound
                }
                return false
            }
        }
    }

    /// Tracking pixels and spacers: never a logo, whatever their name says.
    static func isPixel(_ url: String) -> Bool {
        let lower = url.lowercased()
        return ["pixel", "spacer", "1x1", "blank.gif", "transparent.gif", "/tr?", "tracking", "beacon"].contains { lower.contains($0) }
    }

    /// The fallbacks when the page shows no logo, in the order they are trusted: `mask-icon` SVG,
    /// the largest `apple-touch-icon`, `og:logo`, then (in `candidates`) manifest icons, and the
    /// largest favicon last. JSON-LD `logo` ranks above them all.
    static func iconCandidates(_ site: SiteAnalysis) -> [Candidate] {
        let home = site.home
        var found: [Candidate] = []
        func add(_ href: String?, _ method: String, _ score: Double) {
            guard let href, let url = site.absolute(href, on: home.url) else { return }
            found.append(Candidate(evidence: ImageEvidence(sourceURL: url.absoluteString, method: method, score: score), inlineSVG: nil))
        }
        let links = home.document.root.all("link")
        func largest(_ rel: (String) -> Bool) -> HTMLElement? {
            links.filter { rel(($0["rel"] ?? "").lowercased()) && $0["href"] != nil }.max { iconSize($0["sizes"]) < iconSize($1["sizes"]) }
        }
        add(largest { $0.contains("mask-icon") }?["href"], "mask-icon", 2.2)
        add(largest { $0.contains("apple-touch-icon") }?["href"], "apple-touch-icon", 2)
        add(site.meta("og:logo"), "og-logo", 1.8)
        add(largest { $0.split(separator: " ").contains("icon") }?["href"], "favicon", 1)
        return found
    }
}
