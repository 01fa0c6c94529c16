import Foundation
public import HTMLParser

/// Builds a brand palette, brand colours first.
///
/// Signals, strongest first: `<meta name="theme-color">`, custom properties named like
/// brand/primary/accent, the manifest's theme colour, fills of an inline SVG logo, button
/// backgrounds, link colours, then plain frequency. Neutrals, well-known framework defaults
/// and status colours (success/error/warning) are demoted; near-duplicates merge.
public struct ColorExtractor: Sendable {
    public struct Result: Sendable {
        public let colors: [String]
        public let evidence: [ColorEvidence]
    }

    public init() {}

    /// Bootstrap and Tailwind defaults: present on many sites, rarely the brand.
    static let frameworkDefaults: Set<String> = [
        "#0D6EFD", "#007BFF", "#6C757D", "#198754", "#28A745", "#DC3545", "#FFC107", "#0DCAF0", "#17A2B8", "#6610F2", "#6F42C1",
        "#D63384", "#E83E8C", "#FD7E14", "#20C997", "#3B82F6", "#2563EB", "#EF4444", "#10B981", "#F59E0B", "#6366F1", "#8B5CF6",
        "#EC4899", "#22C55E", "#1DA1F2", "#4267B2", "#1877F2", "#0A66C2", "#FF0000", "#E4405F",
        // WordPress's block-editor palette, printed on every WordPress page.
        "#CF2E2E", "#FF6900", "#FCB900", "#7BDCB5", "#00D084", "#8ED1FC", "#0693E3", "#9B51E0", "#ABB8C3", "#F78DA7",
    ]
    /// WordPress core's preset names (`--wp--preset--color--vivid-red`, `.has-vivid-red-color`):
    /// a theme's own presets (`--wp--preset--color--primary`) are the brand's, these never.
    static let wordPressPresets = [
        "black", "cyan-bluish-gray", "white", "pale-pink", "vivid-red", "luminous-vivid-orange", "luminous-vivid-amber",
        "light-green-cyan", "vivid-green-cyan", "pale-cyan-blue", "vivid-cyan-blue", "vivid-purple",
    ]
    /// Chat launchers, cookie banners and captchas bring their own colours to every page.
    static let widgetWords = [
        "intercom", "drift", "crisp", "tawk", "zendesk", "hubspot-messages", "fb-customerchat", "livechat", "chat-widget", "tidio", "olark",
        "cookie", "consent", "onetrust", "cky-", "cc-window", "cc-banner", "gdpr", "cookiebot", "iubenda", "grecaptcha", "osano",
    ]
    /// States of a colour, not the colour: `--color-primary-hover`, `--brand-disabled`.
    static let stateWords = ["hover", "disabled", "focus", "skeleton", "active", "visited", "placeholder", "overlay", "backdrop", "pressed"]

    static func isWordPressPreset(_ text: String) -> Bool {
        wordPressPresets.contains { text.contains("--wp--preset--color--\($0)") || text.contains("has-\($0)-") }
    }
    static let statusWords = ["success", "danger", "error", "warning", "info", "alert", "valid", "invalid", "destructive", "positive", "negative"]
    static let brandWords: [(String, Double)] = [("brand", 9), ("primary", 8), ("accent", 6), ("main", 5), ("secondary", 5), ("theme", 5), ("highlight", 4), ("cta", 5)]

    struct Candidate {
        var color: Color
        var score: Double
        var source: String
        var sourceScore: Double
    }

    public func extract(_ site: SiteAnalysis, logoSVG: HTMLElement?) -> Result {
        var candidates: [Candidate] = []
        func add(_ color: Color?, _ score: Double, _ source: String) {
            guard let color, color.alpha > 0.5 else { return }
            var score = score
            if color.isNeutral { score *= 0.12 }
            if Self.frameworkDefaults.contains(color.hex) { score *= 0.3 }
            candidates.append(Candidate(color: color, score: score, source: source, sourceScore: score))
        }
        if let theme = site.meta("theme-color") { add(Color(css: theme), 10, "theme-color") }
        if let manifest = site.manifest {
            add(manifest.themeColor.flatMap { Color(css: $0) }, 7, "manifest")
            add(manifest.backgroundColor.flatMap { Color(css: $0) }, 1.5, "manifest")
        }
        for sheet in site.stylesheets {
            for rule in sheet.rules {
                let selector = rule.selector.lowercased()
                if Self.widgetWords.contains(where: { selector.contains($0) }) || Self.isWordPressPreset(selector) { continue }
                // A hover, focus or disabled look is a state of the brand's colour, not another one.
                let states = [":hover", ":focus", ":active", ":disabled", ":visited", "[disabled]", ".disabled", ".is-disabled"]
                if selector.split(separator: ",").allSatisfy({ part in states.contains { part.contains($0) } }) { continue }
                let isStatus = Self.statusWords.contains { selector.contains($0) }
                for declaration in rule.declarations {
                    let property = declaration.property
                    if property.hasPrefix("--") {
                        let name = property.lowercased()
                        guard !Self.statusWords.contains(where: { name.contains($0) }), !Self.stateWords.contains(where: { name.contains($0) }),
                            !Self.isWordPressPreset(name)
                        else { continue }
                        if let weight = Self.brandWords.first(where: { name.contains($0.0) })?.1,
                            !name.contains("text"), !name.contains("foreground"), !name.contains("border"), !name.contains("shadow")
                        {
                            add(Color.all(in: site.resolve(declaration.value)).first, weight, "css-variable \(property)")
                        }
                        continue
                    }
                    guard !isStatus else { continue }
                    let value = site.resolve(declaration.value)
                    let colors = Color.all(in: value)
                    guard !colors.isEmpty else { continue }
                    if (property == "background-color" || property == "background"), Self.isButton(selector) {
                        add(colors.first, 4, "button-background")
                    } else if property == "color", Self.isLink(selector) {
                        add(colors.first, 2, "link")
                    } else if property.hasPrefix("background") || property == "color" || property == "fill" || property.hasPrefix("border") {
                        for color in colors { add(color, 0.25, "frequency") }
                    }
                }
            }
        }
        if let logoSVG {
            logoSVG.walk { element, _ in
                for attribute in ["fill", "stroke", "stop-color"] { add(element[attribute].flatMap { Color(css: $0) }, 6, "logo-svg") }
                if let style = element["style"] {
                    for declaration in Stylesheet.declarations(style) where ["fill", "stroke", "stop-color"].contains(declaration.property) {
                        add(Color(css: declaration.value), 6, "logo-svg")
                    }
                }
            }
        }
        // Merge near-duplicates into the strongest member; the merged score adds up, capped per source.
        var merged: [Candidate] = []
        for candidate in candidates.sorted(by: { $0.score > $1.score }) {
            if let index = merged.firstIndex(where: { $0.color.distance(to: candidate.color) < 10 }) {
                merged[index].score += min(candidate.score, candidate.source == "frequency" ? 0.25 : candidate.score)
            } else {
                merged.append(candidate)
            }
        }
        merged.sort { $0.score == $1.score ? $0.color.hex < $1.color.hex : $0.score > $1.score }
        let palette = Array(merged.prefix(6))
        return Result(
            colors: palette.map(\.color.hex),
            evidence: palette.map { ColorEvidence(hex: $0.color.hex, source: $0.source, score: ($0.score * 100).rounded() / 100) })
    }

    static func isButton(_ selector: String) -> Bool {
        selector.split(separator: ",").contains { part in
            let tokens = part.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" }).map { $0.lowercased() }
            return tokens.contains { ["button", "btn", "cta", "btn-primary", "button-primary"].contains($0) || $0.hasPrefix("btn-") || $0.hasPrefix("button--") || $0.hasPrefix("cta-") }
        }
    }

    static func isLink(_ selector: String) -> Bool {
        selector.split(separator: ",").contains { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            return trimmed == "a" || trimmed.hasPrefix("a:") || trimmed.hasSuffix(" a") || trimmed.hasSuffix(" a:hover")
        }
    }
}
