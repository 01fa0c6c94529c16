import Foundation
import HTMLParser

/// Ranks the families a site actually uses for its text.
///
/// Each `font-family` declaration counts once for its first real family, weighted by where it
/// applies (headings, body and buttons weigh more); fallbacks later in the list, generic
/// families and system stacks are dropped; hashed build names (`__Inter_a64ecd`) are cleaned.
public struct FontExtractor: Sendable {
    public struct Result: Sendable {
        /// `[{fontFamily, count}]`, highest first.
        public let fonts: [RankedFont]
        public let evidence: [FontEvidence]
    }

    public struct RankedFont: Codable, Sendable, Equatable {
        public let fontFamily: String
        public let count: Int

        public init(fontFamily: String, count: Int) {
            self.fontFamily = fontFamily
            self.count = count
        }
    }

    public init() {}

    static let generic: Set<String> = [
        "serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "emoji", "math", "fangsong", "inherit", "initial",
        "unset", "revert", "ui-sans-serif", "ui-serif", "ui-monospace", "ui-rounded", "-apple-system", "blinkmacsystemfont",
        "segoe ui", "segoe ui emoji", "segoe ui symbol", "apple color emoji", "noto color emoji", "helvetica neue", "helvetica",
        "arial", "roboto", "noto sans", "ubuntu", "cantarell", "oxygen", "fira sans", "droid sans", "liberation sans", "sfmono-regular",
        "menlo", "monaco", "consolas", "courier new", "courier", "times new roman", "times", "georgia", "verdana", "tahoma",
        "android emoji", "emojisymbols", "symbol", "icons", "fontawesome", "font awesome 5 free", "font awesome 6 free", "material icons",
    ]

    /// Icon fonts draw glyphs, not words: never a brand's type (matched on the name without spaces).
    static let iconFontMarks = [
        "fontawesome", "fontello", "entypo", "materialicons", "materialsymbols", "octicons", "icomoon", "glyphicons", "dashicons",
        "ionicons", "bootstrap-icons", "bootstrapicons", "themify", "eicons", "elementskit", "swiper-icons", "slick", "feather",
        "linearicons", "icofont", "genericons", "socicon", "simple-line-icons", "lineawesome", "fa-solid", "fa-brands", "fa-regular",
    ]

    static func isIconFont(_ key: String) -> Bool {
        let compact = key.replacingOccurrences(of: " ", with: "")
        return iconFontMarks.contains { compact.contains($0) } || ["icons", "icon"].contains { key.hasSuffix(" " + $0) || key.hasSuffix("-" + $0) }
    }

    /// Families that are fallbacks only when they are not first in their list (a site may choose Arial).
    static let systemFirstChoiceAllowed: Set<String> = ["arial", "helvetica", "georgia", "verdana", "roboto", "helvetica neue", "times new roman", "tahoma"]

    public func extract(_ site: SiteAnalysis) -> Result {
        var weights: [String: Double] = [:]
        var sources: [String: String] = [:]
        var display: [String: String] = [:]
        // Families the site ships as web fonts: they rank above system families however often
        // those are declared (a body in Arial with headings in the brand's face is the face's site).
        var webFonts: Set<String> = []
        func count(_ raw: String, weight: Double, source: String, firstOnly: Bool = true) {
            let families = CSSValue.fontFamilies(site.resolve(raw))
            for (position, family) in families.enumerated() {
                guard let name = Self.clean(family) else { continue }
                let key = name.lowercased()
                if Self.isIconFont(key) { continue }
                // `__Space_Grotesk_9f3c1d` is how next/font names a face it ships.
                if CSSValue.unquote(family).hasPrefix("__") { webFonts.insert(key) }
                if Self.generic.contains(key), position > 0 || !Self.systemFirstChoiceAllowed.contains(key) { continue }
                weights[key, default: 0] += weight
                if sources[key] == nil || source == "google-fonts" { sources[key] = source }
                display[key] = display[key] ?? name
                if firstOnly { return }
            }
        }

        func shipped(_ raw: String) { for family in CSSValue.fontFamilies(raw) { if let name = Self.clean(family) { webFonts.insert(name.lowercased()) } } }
        for sheet in site.stylesheets {
            for face in sheet.fontFaces {
                if let family = face["font-family"] {
                    shipped(family)
                    count(family, weight: 1, source: "font-face")
                }
            }
            for rule in sheet.rules {
                let weight = Self.weight(of: rule.selector)
                for declaration in rule.declarations {
                    if declaration.property == "font-family" { count(declaration.value, weight: weight, source: "css") }
                    if declaration.property == "font", let families = Self.familiesInShorthand(site.resolve(declaration.value)) {
                        count(families, weight: weight, source: "css")
                    }
                }
            }
        }
        for page in site.pages {
            page.document.root.walk { element, _ in
                if let style = element["style"] {
                    for declaration in Stylesheet.declarations(style) where declaration.property == "font-family" {
                        count(declaration.value, weight: 1, source: "css")
                    }
                }
                if element.name == "link", let href = element["href"] {
                    for family in Self.googleFamilies(href) {
                        shipped("\"\(family)\"")
                        count("\"\(family)\"", weight: 2, source: "google-fonts")
                    }
                    // `<link rel=preload as=font href=…/Inter-Bold.woff2>`: the file names the family.
                    if (element["rel"] ?? "").lowercased().contains("preload"), (element["as"] ?? "").lowercased() == "font",
                        let file = href.split(separator: "/").last?.split(separator: "?").first?.split(separator: ".").first
                    {
                        shipped(String(file))
                        count("\"\(file)\"", weight: 1, source: "preload")
                    }
                    if href.contains("use.typekit.net") || href.contains("fonts.adobe.com") { sources["__typekit"] = href }
                }
            }
        }
        for sheet in site.stylesheets {
            // `@import url(https://fonts.googleapis.com/css2?family=…)` declares families too.
            for target in sheet.imports {
                for family in Self.googleFamilies(target) {
                    shipped("\"\(family)\"")
                    count("\"\(family)\"", weight: 2, source: "google-fonts")
                }
            }
        }
        let typekit = sources.removeValue(forKey: "__typekit") != nil
        let entries: [(key: String, weight: Double)] = weights.map { (key: $0.key, weight: $0.value) }
        let ranked = entries.sorted { (a: (key: String, weight: Double), b: (key: String, weight: Double)) -> Bool in
            let (webA, webB) = (webFonts.contains(a.key), webFonts.contains(b.key))
            if webA != webB { return webA }
            return a.weight == b.weight ? a.key < b.key : a.weight > b.weight
        }.prefix(8)
        let fonts: [RankedFont] = ranked.map { entry in
            RankedFont(fontFamily: display[entry.key] ?? entry.key, count: max(1, Int(entry.weight.rounded())))
        }
        let evidence: [FontEvidence] = ranked.map { entry in
            let source = sources[entry.key] ?? "css"
            return FontEvidence(family: display[entry.key] ?? entry.key, source: typekit && source == "font-face" ? "typekit" : source, count: max(1, Int(entry.weight.rounded())))
        }
        return Result(fonts: fonts, evidence: evidence)
    }

    /// Headings, body text and buttons say most about a brand's type.
    static func weight(of selector: String) -> Double {
        let text = selector.lowercased()
        let tokens = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" }).map(String.init)
        if tokens.contains(where: { ["h1", "h2", "h3", "heading", "headline", "title", "display", "hero"].contains($0) }) { return 3 }
        if tokens.contains(where: { ["body", "html", "root"].contains($0) }) || text.contains(":root") { return 3 }
        if tokens.contains(where: { ["button", "btn", "cta"].contains($0) || $0.hasPrefix("btn-") || $0.hasPrefix("button-") }) { return 2 }
        return 1
    }

    /// `700 16px/1.4 "Inter", sans-serif` → `"Inter", sans-serif`.
    static func familiesInShorthand(_ value: String) -> String? {
        let parts = value.split(separator: " ", omittingEmptySubsequences: true)
        guard let sizeIndex = parts.firstIndex(where: { part in
            let lower = part.lowercased()
            return ["px", "em", "rem", "%", "pt", "vw", "vh"].contains(where: { lower.contains($0) }) && lower.first.map({ $0.isNumber || $0 == "." }) == true
        }), sizeIndex + 1 < parts.count else { return nil }
        return parts[(sizeIndex + 1)...].joined(separator: " ")
    }

    /// Families named in a Google Fonts URL (`css?family=A:400|B` or `css2?family=A:wght@400&family=B`).
    static func googleFamilies(_ href: String) -> [String] {
        guard href.contains("fonts.googleapis.com"), let components = URLComponents(string: href.hasPrefix("//") ? "https:" + href : href) else { return [] }
        return (components.queryItems ?? []).filter { $0.name == "family" }.flatMap { item in
            (item.value ?? "").split(separator: "|").map { String($0.split(separator: ":").first ?? "").replacingOccurrences(of: "+", with: " ") }
        }.filter { !$0.isEmpty }
    }

    /// Cleans build-tool names: `__Inter_a64ecd` → `Inter`, `__Inter_Fallback_a64ecd` → nil,
    /// `Inter-Bold` → `Inter`, `'GT Walsheim'` → `GT Walsheim`.
    static func clean(_ raw: String) -> String? {
        var name = CSSValue.unquote(raw).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !name.hasPrefix("var("), name.count < 80 else { return nil }
        if name.lowercased().contains("fallback") { return nil }
        while name.hasPrefix("_") { name.removeFirst() }
        if let range = name.range(of: #"_[0-9a-f]{5,8}$"#, options: .regularExpression) { name.removeSubrange(range) }
        if let range = name.range(of: #"-[0-9a-f]{5,8}$"#, options: .regularExpression), name[range].contains(where: \.isNumber) { name.removeSubrange(range) }
        if let range = name.range(
            of: #"[-_ ](Thin|ExtraLight|Light|Regular|Book|Medium|SemiBold|Semibold|DemiBold|Bold|ExtraBold|Black|Heavy|Italic|Variable|VF|Web|Webfont)+$"#,
            options: [.regularExpression, .caseInsensitive])
        {
            name.removeSubrange(range)
        }
        name = name.replacingOccurrences(of: "_", with: " ").trimmingCharacters(in: .whitespaces)
        if !name.contains(" "), !generic.contains(name.lowercased()) { name = words(ofCamelCase: name) }
        return name.isEmpty ? nil : name
    }

    /// A family written as one word, as font files name them: `CharlesModern` → "Charles Modern",
    /// `PayPalSansSmall` → "PayPal Sans" (a short capitalised piece joins the next, "PayPal",
    /// "SoDo"; capitals stay together, "GT Walsheim"; the optical size is dropped).
    static func words(ofCamelCase name: String) -> String {
        var pieces: [String] = []
        var current = ""
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            let previous = index > 0 ? characters[index - 1] : nil
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            let startsWord = character.isUppercase && previous.map { $0.isLowercase || ($0.isUppercase && next?.isLowercase == true) } == true
            if startsWord, !current.isEmpty { pieces.append(current); current = "" }
            current.append(character)
        }
        if !current.isEmpty { pieces.append(current) }
        guard pieces.count > 1, pieces.allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber } }) else { return name }
        var joined: [String] = []
        var carry = ""
        for (index, piece) in pieces.enumerated() {
            let short = piece.count <= 3 && piece.first?.isUppercase == true && piece.dropFirst().allSatisfy(\.isLowercase)
            if !carry.isEmpty {
                joined.append(carry + piece)
                carry = ""
            } else if short, index + 1 < pieces.count {
                carry = piece
            } else {
                joined.append(piece)
            }
        }
        while joined.count > 1, let last = joined.last, ["Small", "Big", "Caption", "Micro", "Mini"].contains(last) { joined.removeLast() }
        return joined.joined(separator: " ")
    }
}
