import Foundation
public import HTMLParser

/// Turns an SVG found on a page (inline or downloaded) into a standalone, inert SVG file.
///
/// The HTML parser keeps qualified names as written (`s:script`, `x:href`) and knows nothing of
/// namespaces, while the file written here is XML, where `xmlns:s` makes `<s:script>` a real
/// script. So every name is resolved against the `xmlns` declarations in scope and judged by
/// (namespace, local name): only allow-listed elements in the SVG namespace are kept, and the
/// output carries local names only, with no namespace declaration but the root's, so no prefix
/// can give anything a new meaning. Event handlers, references that leave the document and
/// styles that load anything are dropped.
public enum SVGSanitizer {
    static let svgNamespace = "http://www.w3.org/2000/svg"
    static let xlinkNamespace = "http://www.w3.org/1999/xlink"

    public static func standalone(_ svg: HTMLElement) -> String {
        // An inline <svg> is in the SVG namespace by its place in the page; a file declares it.
        let scope = Scope(defaultNamespace: svgNamespace, prefixes: ["xml": "http://www.w3.org/XML/1998/namespace"]).entering(svg)
        return "<svg xmlns=\"\(svgNamespace)\"" + serializeAttributes(of: svg, in: scope) + ">" + serializeChildren(of: svg, in: scope) + "</svg>"
    }

    /// The first `<svg>` of a downloaded file, whatever prefix it is spelled with
    /// (`<s:svg xmlns:s="…">`); `standalone` resolves what the prefixes inside it mean.
    public static func root(in document: HTMLDocument) -> HTMLElement? {
        var found: HTMLElement?
        document.root.walk { element, _ in
            if found == nil, element.name == "svg" || element.name.hasSuffix(":svg") { found = element }
        }
        return found
    }

    /// The namespace declarations in force at an element.
    struct Scope {
        var defaultNamespace: String?
        var prefixes: [String: String]

        /// The scope inside `element`, with its own `xmlns` and `xmlns:p` declarations.
        func entering(_ element: HTMLElement) -> Scope {
            var inner = self
            for (key, value) in element.attributes {
                if key == "xmlns" { inner.defaultNamespace = value.isEmpty ? nil : value }
                if key.hasPrefix("xmlns:") { inner.prefixes[String(key.dropFirst(6))] = value }
            }
            return inner
        }

        /// (namespace, local name) of an element name; unprefixed names take the default namespace.
        func resolveElement(_ name: String) -> (namespace: String?, local: String) {
            guard let colon = name.firstIndex(of: ":") else { return (defaultNamespace, name) }
            return (prefixes[String(name[..<colon])], String(name[name.index(after: colon)...]))
        }
    }

    static func serialize(_ element: HTMLElement, in outer: Scope) -> String {
        let scope = outer.entering(element)
        let (namespace, local) = scope.resolveElement(element.name)
        guard namespace == svgNamespace, allowedElements.contains(local) else { return "" }
        if local == "style", !isInertCSS(element.rawText) { return "" }
        let name = camelCase[local] ?? local
        return "<\(name)" + serializeAttributes(of: element, in: scope) + ">" + serializeChildren(of: element, in: scope) + "</\(name)>"
    }

    static func serializeChildren(of element: HTMLElement, in scope: Scope) -> String {
        var out = ""
        for child in element.children {
            switch child {
            case .text(let text): out += HTMLElement.escape(text)
            case .element(let inner): out += serialize(inner, in: scope)
            }
        }
        return out
    }

    /// Attributes in no namespace, plus `xlink:href` written as `href` (SVG 2 reads both);
    /// declarations, foreign attributes, event handlers and outward references are dropped.
    static func serializeAttributes(of element: HTMLElement, in scope: Scope) -> String {
        var kept: [String: String] = [:]
        for (key, value) in element.attributes {
            let local: String
            if let colon = key.firstIndex(of: ":") {
                // Prefixed: only `href` under a prefix bound to XLink is not foreign (or a declaration).
                guard scope.prefixes[String(key[..<colon])] == xlinkNamespace, key[key.index(after: colon)...] == "href" else { continue }
                local = "href"
            } else {
                guard key != "xmlns" else { continue }
                local = key
            }
            guard !local.hasPrefix("on") else { continue }
            if local == "href" || local == "src" {
                guard let target = safeReference(value) else { continue }
                kept[local] = target
            } else {
                guard isInertValue(value) else { continue }
                kept[camelCase[local] ?? local] = value
            }
        }
        return kept.sorted { $0.key < $1.key }.map { " \($0.key)=\"\(HTMLElement.escape($0.value))\"" }.joined()
    }

    /// A reference that stays in the file: a fragment (`#id`) or an embedded raster image.
    /// Browsers strip surrounding whitespace from URLs, so that is trimmed before judging.
    static func safeReference(_ value: String) -> String? {
        let trimmed = value.trimmingASCIIWhitespace
        if trimmed.hasPrefix("#") { return trimmed }
        let lower = trimmed.lowercased()
        for format in ["png", "jpeg", "jpg", "gif", "webp"] where lower.hasPrefix("data:image/\(format);") || lower.hasPrefix("data:image/\(format),") {
            return trimmed
        }
        return nil
    }

    /// An attribute value that runs or loads nothing: no `javascript:`, and `url()` only to a fragment.
    static func isInertValue(_ value: String) -> Bool {
        let lower = value.lowercased()
        return !lower.contains("javascript:") && !lower.contains("\\") && urlTargets(lower).allSatisfy { $0.hasPrefix("#") }
            && !lower.contains("image-set(") && !lower.contains("expression(")
    }

    /// A stylesheet that loads nothing: no `@import`, no `url()` but to a fragment, no escapes
    /// (which could spell either in disguise).
    static func isInertCSS(_ css: String) -> Bool {
        isInertValue(css) && !css.lowercased().contains("@import")
    }

    /// The targets of every `url(…)` in a value, quotes and whitespace removed.
    static func urlTargets(_ lower: String) -> [String] {
        var targets: [String] = []
        var rest = Substring(lower)
        while let start = rest.range(of: "url(") {
            let tail = rest[start.upperBound...]
            let end = tail.firstIndex(of: ")") ?? tail.endIndex
            targets.append(String(tail[..<end]).trimmingASCIIWhitespace.trimmingQuotes.trimmingASCIIWhitespace)
            rest = tail[end...]
        }
        return targets
    }
}

extension String {
    fileprivate var trimmingASCIIWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isASCII, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isASCII, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }

    fileprivate var trimmingQuotes: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == "\"" || first == "'" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == "\"" || last == "'" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
