import Foundation
import HTMLParser

/// Finds hero images and other brand photos.
///
/// Hero: the largest images of the page's first screen (its first `<section>`, or the first
/// block of `<main>`) or of an element named hero/banner/masthead, CSS background images of such
/// elements, then `og:image`/`twitter:image` ranked below what the page itself shows. Photos:
/// other large content images across the crawled pages. A `srcset` (or a `<picture>`'s
/// `<source>`s) contributes its widest candidate, lazy-loading attributes stand in for a
/// placeholder `src`, and image proxies (`/_next/image?url=`, `/cdn-cgi/image/…/`) are unwrapped
/// to the image itself. Icons, logos, avatars, tracking pixels, sprites and small images are dropped.
public struct HeroExtractor: Sendable {
    public struct Result: Sendable {
        public let hero: [ImageEvidence]
        public let photos: [ImageEvidence]
    }

    public init() {}

    static let heroWords = ["hero", "banner", "masthead", "jumbotron", "splash", "intro", "above-fold", "showcase", "cover"]
    /// Attributes lazy-loading scripts read the real image from.
    static let lazySourceAttributes = ["data-src", "data-lazy-src", "data-lazy", "data-original"]
    /// Attributes that hold a lazily applied background image.
    static let lazyBackgroundAttributes = ["data-bg", "data-background", "data-background-image", "data-bg-src"]
    static let rejectWords = ["logo", "icon", "avatar", "sprite", "pixel", "tracking", "spacer", "badge", "emoji", "gravatar", "favicon", "flag", "star", "rating", "loader", "spinner", "placeholder", "1x1", "blank.gif", "profile", "headshot"]

    public func extract(_ site: SiteAnalysis) -> Result {
        var hero: [ImageEvidence] = []
        var photos: [ImageEvidence] = []
        // The social card is often a designed banner with text on it: a candidate, below the
        // page's own first-screen images.
        if let og = site.meta("og:image") ?? site.meta("twitter:image"), let url = site.absolute(og, on: site.home.url), !Self.rejected(url.absoluteString) {
            hero.append(ImageEvidence(sourceURL: Self.unwrapped(url).absoluteString, method: "og-image", score: 3.8))
        }
        for (pageIndex, page) in site.pages.enumerated() {
            let firstSection = Self.firstSection(page.document.root)
            page.document.root.walk { element, ancestors in
                let chain = ancestors.suffix(6)
                let inHero = chain.contains { ancestor in Self.heroWords.contains { LogoExtractor.hints(ancestor).contains($0) } } || chain.contains { $0 === firstSection }
                let namedHero = Self.heroWords.contains(where: { LogoExtractor.hints(element).contains($0) })
                if let style = element["style"], inHero || namedHero {
                    for declaration in Stylesheet.declarations(style) where declaration.property.hasPrefix("background") {
                        for target in CSSValue.urls(in: declaration.value) {
                            if let url = site.absolute(target, on: page.url), !Self.rejected(url.absoluteString) {
                                hero.append(ImageEvidence(sourceURL: Self.unwrapped(url).absoluteString, method: "css-background", score: 4))
                            }
                        }
                    }
                }
                for attribute in Self.lazyBackgroundAttributes {
                    guard let target = element[attribute], let url = site.absolute(CSSValue.urls(in: target).first ?? target, on: page.url),
                        !Self.rejected(url.absoluteString)
                    else { continue }
                    let found = Self.unwrapped(url).absoluteString
                    if (inHero || namedHero) && pageIndex == 0 {
                        hero.append(ImageEvidence(sourceURL: found, method: "lazy-background", score: 4))
                    } else {
                        photos.append(ImageEvidence(sourceURL: found, method: "lazy-background", score: pageIndex == 0 ? 2 : 1.5))
                    }
                }
                guard element.name == "img" else { return }
                if chain.contains(where: { ["header", "nav", "footer"].contains($0.name) }) && !inHero { return }
                if LogoExtractor.isInWall(chain) { return }
                let hints = LogoExtractor.hints(element) + " " + (element["alt"] ?? "").lowercased()
                // libxml2's HTML parser does not know `<source>` as empty, so it may hold the `<img>`.
                let picture = ancestors.suffix(3).last { $0.name == "picture" }
                guard let source = Self.bestSource(element, in: picture), let found = site.absolute(source, on: page.url) else { return }
                let url = Self.unwrapped(found)
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
                        if let url = site.absolute(target, on: site.home.url).map(Self.unwrapped), !Self.rejected(url.absoluteString), url.pathExtension.lowercased() != "svg" {
                            hero.append(ImageEvidence(sourceURL: url.absoluteString, method: "css-background", score: 3.5))
                        }
                    }
                }
            }
        }
        let rankedHero = Self.unique(hero.sorted { $0.score > $1.score }).prefix(5)
        let heroURLs = Set(rankedHero.map(\.sourceURL))
        let rankedPhotos = Self.unique(photos.sorted { $0.score > $1.score }).filter { !heroURLs.contains($0.sourceURL) }.prefix(8)
        return Result(hero: Array(rankedHero), photos: Array(rankedPhotos))
    }

    /// The widest candidate of the `srcset`s (the image's own and its `<picture>`'s `<source>`s),
    /// else `src`; a lazy-loading attribute instead of a placeholder `src` (a data URI, a
    /// placeholder file) or none.
    static func bestSource(_ element: HTMLElement, in picture: HTMLElement? = nil) -> String? {
        let sets = [element["srcset"], element["data-srcset"]] + (picture?.all("source").flatMap { [$0["srcset"], $0["data-srcset"]] } ?? [])
        let candidates = sets.compactMap { $0 }.flatMap { srcset in
            srcset.split(separator: ",").compactMap { entry -> (String, Double)? in
                let parts = entry.split(separator: " ", omittingEmptySubsequences: true)
                guard let url = parts.first else { return nil }
                let descriptor = parts.count > 1 ? parts[1] : "1x"
                let value = Double(descriptor.dropLast()).flatMap { $0.isFinite ? $0 : nil } ?? 1
                return (String(url), descriptor.hasSuffix("w") ? value : value * 1000)
            }
        }
        if let best = candidates.max(by: { $0.1 < $1.1 }) { return best.0 }
        let lazy = lazySourceAttributes.lazy.compactMap { element[$0] }.first { !$0.isEmpty }
        guard let source = element["src"], !source.isEmpty, !isPlaceholder(source) else { return lazy ?? element["src"] }
        return source
    }

    /// A `src` that only holds the place of a lazily loaded image.
    static func isPlaceholder(_ source: String) -> Bool {
        let lower = source.lowercased()
        return (lower.hasPrefix("data:") && lower.count < 400) || lower.contains("placeholder") || lower.contains("blank.gif") || lower.contains("spacer")
    }

    /// The image an image proxy serves: Next.js's `/_next/image?url=…` and Cloudflare's
    /// `/cdn-cgi/image/<options>/<path>`; any other URL as it is.
    static func unwrapped(_ url: URL) -> URL {
        if url.path.hasSuffix("/_next/image"), let target = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first(where: { $0.name == "url" })?.value,
            let inner = URL(string: target, relativeTo: url)?.absoluteURL
        {
            return inner
        }
        let path = url.path
        if let range = path.range(of: "/cdn-cgi/image/") {
            let rest = path[range.upperBound...].split(separator: "/", maxSplits: 1)
            if rest.count == 2, let inner = URL(string: rest[1].hasPrefix("http") ? String(rest[1]) : "/" + rest[1], relativeTo: url)?.absoluteURL {
                return inner
            }
        }
        return url
    }

    /// The page's first screen: its first `<section>`, or the first block inside `<main>`,
    /// whichever comes first.
    static func firstSection(_ root: HTMLElement) -> HTMLElement? {
        var found: HTMLElement?
        root.walk { element, ancestors in
            guard found == nil else { return }
            if element.name == "section" || (ancestors.last?.name == "main" && ancestors.last?.elements.first === element) { found = element }
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
