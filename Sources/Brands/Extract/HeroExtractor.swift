import Foundation
import HTMLParser

/// Finds hero images and other brand photos.
///
/// Hero: `og:image`, the largest images of the page's first section or an element named
/// hero/banner/masthead, CSS background images of such elements. Photos: other large content
/// images across the crawled pages. `srcset` contributes its widest candidate. Icons, logos,
/// avatars, tracking pixels, sprites and small images are dropped.
public struct HeroExtractor: Sendable {
    public struct Result: Sendable {
        public let hero: [ImageEvidence]
        public let photos: [ImageEvidence]
    }

    public init() {}

    static let heroWords = ["hero", "banner", "masthead", "jumbotron", "splash", "intro", "above-fold", "showcase", "cover"]
    static let rejectWords = ["logo", "icon", "avatar", "sprite", "pixel", "tracking", "spacer", "badge", "emoji", "gravatar", "favicon", "flag", "star", "rating", "loader", "spinner", "placeholder", "1x1", "blank.gif", "profile", "headshot"]

    public func extract(_ site: SiteAnalysis) -> Result {
        var hero: [ImageEvidence] = []
        var photos: [ImageEvidence] = []
        if let og = site.meta("og:image") ?? site.meta("twitter:image"), let url = site.absolute(og, on: site.home.url), !Self.rejected(url.absoluteString) {
            hero.append(ImageEvidence(sourceURL: url.absoluteString, method: "og-image", score: 5))
        }
        for (pageIndex, page) in site.pages.enumerated() {
            let firstSection = Self.firstSection(page.document.root)
            page.document.root.walk { element, ancestors in
                let chain = ancestors.suffix(6)
                let inHero = chain.contains { ancestor in Self.heroWords.contains { LogoExtractor.hints(ancestor).contains($0) } } || chain.contains { $0 === firstSection }
                if let style = element["style"], inHero || Self.heroWords.contains(where: { LogoExtractor.hints(element).contains($0) }) {
                    for declaration in Stylesheet.declarations(style) where declaration.property.hasPrefix("background") {
                        for target in CSSValue.urls(in: declaration.value) {
                            if let url = site.absolute(target, on: page.url), !Self.rejected(url.absoluteString) {
                                hero.append(ImageEvidence(sourceURL: url.absoluteString, method: "css-background", score: 4))
                            }
                        }
                    }
                }
                guard element.name == "img" else { return }
                if chain.contains(where: { ["header", "nav", "footer"].contains($0.name) }) && !inHero { return }
                if LogoExtractor.isInWall(chain) { return }
                let hints = LogoExtractor.hints(element) + " " + (element["alt"] ?? "").lowercased()
                guard let source = Self.bestSource(element), let url = site.absolute(source, on: page.url) else { return }
                if Self.rejected(url.absoluteString) || Self.rejectWords.contains(where: { hints.contains($0) }) { return }
                if url.pathExtension.lowercased() == "svg" || url.absoluteString.hasPrefix("data:image/svg") { return }
                let width = element["width"].flatMap(LogoExtractor.pixels)
                let height = element["height"].flatMap(LogoExtractor.pixels)
                if let width, width < 200 { return }
                if let height, height < 150 { return }
                let area = (width ?? 600) * (height ?? 400)
                let sizeScore = min(2, area / 500_000)
                if inHero && pageIndex == 0 {
                    hero.append(ImageEvidence(sourceURL: url.absoluteString, method: "hero-img", score: 4 + sizeScore))
                } else {
                    photos.append(ImageEvidence(sourceURL: url.absoluteString, method: "content-img", score: (pageIndex == 0 ? 2 : 1.5) + sizeScore))
                }
            }
        }
        for sheet in site.stylesheets {
            for rule in sheet.rules where Self.heroWords.contains(where: { rule.selector.lowercased().contains($0) }) {
                for declaration in rule.declarations where declaration.property.hasPrefix("background") {
                    for target in CSSValue.urls(in: site.resolve(declaration.value)) {
                        if let url = site.absolute(target, on: site.home.url), !Self.rejected(url.absoluteString), url.pathExtension.lowercased() != "svg" {
                            hero.append(ImageEvidence(sourceURL: url.absoluteString, method: "css-background", score: 3.5))
                        }
                    }
                }
            }
        }
        let rankedHero = Self.unique(hero.sorted { $0.score > $1.score }).prefix(3)
        let heroURLs = Set(rankedHero.map(\.sourceURL))
        let rankedPhotos = Self.unique(photos.sorted { $0.score > $1.score }).filter { !heroURLs.contains($0.sourceURL) }.prefix(8)
        return Result(hero: Array(rankedHero), photos: Array(rankedPhotos))
    }

    /// The widest `srcset` candidate, else `src` (or a lazy-loading attribute).
    static func bestSource(_ element: HTMLElement) -> String? {
        if let srcset = element["srcset"] ?? element["data-srcset"] {
            let candidates = srcset.split(separator: ",").compactMap { entry -> (String, Double)? in
                let parts = entry.split(separator: " ", omittingEmptySubsequences: true)
                guard let url = parts.first else { return nil }
                let descriptor = parts.count > 1 ? parts[1] : "1x"
                let value = Double(descriptor.dropLast()).flatMap { $0.isFinite ? $0 : nil } ?? 1
                return (String(url), descriptor.hasSuffix("w") ? value : value * 1000)
            }
            if let best = candidates.max(by: { $0.1 < $1.1 }) { return best.0 }
        }
        return element["src"] ?? element["data-src"] ?? element["data-lazy-src"]
    }

    /// The first `<section>` or `<main>`'s first child: where a hero usually sits.
    static func firstSection(_ root: HTMLElement) -> HTMLElement? {
        var found: HTMLElement?
        root.walk { element, _ in
            if found == nil, element.name == "section" { found = element }
        }
        return found
    }

    static func rejected(_ url: String) -> Bool {
        let lower = url.lowercased()
        if lower.hasPrefix("data:") && lower.count < 400 { return true }
        return rejectWords.contains { lower.split(separator: "/").last?.contains($0) ?? false } || lower.contains("/pixel") || lower.contains("facebook.com/tr")
    }

    static func unique(_ items: [ImageEvidence]) -> [ImageEvidence] {
        var seen: Set<String> = []
        return items.filter { seen.insert($0.sourceURL).inserted }
    }
}
