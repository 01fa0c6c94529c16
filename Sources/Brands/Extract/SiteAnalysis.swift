public import Foundation
public import HTMLParser

/// A snapshot parsed once for the extractors: documents, every stylesheet (external and
/// inline), the manifest and the custom properties the CSS defines.
public struct SiteAnalysis: Sendable {
    public struct Page: Sendable {
        public let url: URL
        public let document: HTMLDocument
    }

    public struct Manifest: Decodable, Sendable {
        public struct Icon: Decodable, Sendable {
            public let src: String
            public let sizes: String?
            public let type: String?
        }
        public let name: String?
        public let shortName: String?
        public let themeColor: String?
        public let backgroundColor: String?
        public let icons: [Icon]?

        enum CodingKeys: String, CodingKey {
            case name, icons
            case shortName = "short_name"
            case themeColor = "theme_color"
            case backgroundColor = "background_color"
        }
    }

    public let rootURL: URL
    public let pages: [Page]
    public let stylesheets: [Stylesheet]
    public let manifest: Manifest?
    public let manifestURL: URL?
    /// `--name` → value, last definition wins (as in a cascade read top to bottom).
    public let customProperties: [String: String]

    public var home: Page { pages[0] }

    public init(snapshot: WebsiteSnapshot) {
        rootURL = URL(string: snapshot.rootURL)!
        pages = snapshot.pages.map { Page(url: URL(string: $0.url) ?? URL(string: snapshot.rootURL)!, document: HTMLDocument(html: $0.html)) }
        var sheets = snapshot.stylesheets.map { Stylesheet($0.body) }
        for page in pages {
            for style in page.document.root.all("style") { sheets.append(Stylesheet(style.rawText)) }
        }
        stylesheets = sheets
        manifestURL = snapshot.manifest.flatMap { URL(string: $0.url) }
        manifest = snapshot.manifest.flatMap { try? JSONDecoder().decode(Manifest.self, from: Data($0.body.utf8)) }
        var properties: [String: String] = [:]
        for sheet in sheets {
            for rule in sheet.rules {
                for declaration in rule.declarations where declaration.property.hasPrefix("--") {
                    properties[declaration.property] = declaration.value
                }
            }
        }
        customProperties = properties
    }

    /// Replaces `var(--x, fallback)` by the property's value, a few levels deep.
    public func resolve(_ value: String) -> String {
        var current = value
        for _ in 0..<4 {
            guard let range = current.range(of: "var(") else { break }
            guard let close = Self.closingParenthesis(in: current, from: range.upperBound) else { break }
            let inside = current[range.upperBound..<close]
            let parts = inside.split(separator: ",", maxSplits: 1)
            let name = parts.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            let replacement = customProperties[name] ?? (parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
            current.replaceSubrange(range.lowerBound...close, with: replacement)
        }
        return current
    }

    static func closingParenthesis(in text: String, from start: String.Index) -> String.Index? {
        var depth = 1
        var index = start
        while index < text.endIndex {
            if text[index] == "(" { depth += 1 }
            if text[index] == ")" { depth -= 1; if depth == 0 { return index } }
            index = text.index(after: index)
        }
        return nil
    }

    /// Every `<meta>` content by `name` or `property`, lower-cased keys, home page first.
    public func meta(_ key: String) -> String? {
        for page in pages {
            for meta in page.document.root.all("meta") {
                let name = (meta["name"] ?? meta["property"] ?? meta["itemprop"] ?? "").lowercased()
                if name == key, let content = meta["content"]?.trimmingCharacters(in: .whitespacesAndNewlines), !content.isEmpty { return content }
            }
        }
        return nil
    }

    /// The JSON-LD objects of the home page, flattened out of `@graph` and arrays.
    public var jsonLD: [[String: Any]] {
        var objects: [[String: Any]] = []
        func collect(_ value: Any) {
            if let array = value as? [Any] { array.forEach(collect) }
            if let object = value as? [String: Any] {
                objects.append(object)
                if let graph = object["@graph"] { collect(graph) }
            }
        }
        for script in home.document.root.all("script") where (script["type"] ?? "").lowercased() == "application/ld+json" {
            if let value = try? JSONSerialization.jsonObject(with: Data(script.rawText.utf8)) { collect(value) }
        }
        return objects
    }

    /// An absolute URL for a reference found on `page`.
    public func absolute(_ reference: String, on page: URL? = nil) -> URL? {
        let trimmed = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        if trimmed.hasPrefix("data:") { return URL(string: trimmed) }
        return URL(string: trimmed, relativeTo: page ?? rootURL)?.absoluteURL
            ?? trimmed.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed).flatMap { URL(string: $0, relativeTo: page ?? rootURL)?.absoluteURL }
    }
}
