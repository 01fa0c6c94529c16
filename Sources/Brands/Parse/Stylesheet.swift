/// One `property: value` pair; the property is lower-case, `!important` removed.
public struct CSSDeclaration: Sendable, Equatable {
    public let property: String
    public let value: String

    public init(property: String, value: String) {
        self.property = property
        self.value = value
    }
}

/// A style rule: its selector text and declarations.
public struct CSSRule: Sendable {
    public let selector: String
    public let declarations: [CSSDeclaration]
}

/// What the extractors need from a stylesheet: style rules (those inside `@media`, `@supports`
/// and `@layer` flattened in), `@font-face` blocks and `@import` targets.
///
/// A tolerant tokenizer, not a full CSS parser: it honours comments, strings, escapes and nested
/// blocks, and skips what it does not understand (`@keyframes`, nesting) instead of failing.
public struct Stylesheet: Sendable {
    public private(set) var rules: [CSSRule] = []
    public private(set) var fontFaces: [[String: String]] = []
    public private(set) var imports: [String] = []

    public init(_ text: String) {
        let scalars = Array(Self.removingComments(text).unicodeScalars)
        parseBlock(scalars, from: 0, to: scalars.count, depth: 0)
    }

    /// The declarations of a `style="…"` attribute.
    public static func declarations(_ text: String) -> [CSSDeclaration] {
        splitTopLevel(Array(text.unicodeScalars), separator: ";").compactMap { part in
            guard let colon = part.firstIndex(of: ":") else { return nil }
            let property = String(part[..<colon]).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            var value = String(part[part.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)
            if let important = value.range(of: "!important", options: .caseInsensitive) {
                value = String(value[..<important.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
            guard !property.isEmpty, !value.isEmpty else { return nil }
            return CSSDeclaration(property: property, value: value)
        }
    }

    private mutating func parseBlock(_ s: [Unicode.Scalar], from start: Int, to end: Int, depth: Int) {
        guard depth < 16 else { return }
        var i = start
        while i < end {
            while i < end, s[i].properties.isWhitespace { i += 1 }
            guard i < end else { break }
            if s[i] == "}" || s[i] == ";" { i += 1; continue }
            let preludeEnd = Self.scan(s, from: i, to: end, stopAt: s[i] == "@" ? ["{", ";"] : ["{"])
            let prelude = String(String.UnicodeScalarView(s[i..<preludeEnd])).trimmingCharacters(in: .whitespacesAndNewlines)
            guard preludeEnd < end else { break }
            if s[preludeEnd] == ";" {
                if prelude.lowercased().hasPrefix("@import"), let target = Self.importTarget(prelude) { imports.append(target) }
                i = preludeEnd + 1
                continue
            }
            let bodyEnd = Self.matchingBrace(s, open: preludeEnd, end: end)
            let bodyStart = preludeEnd + 1
            if prelude.hasPrefix("@") {
                let name = prelude.dropFirst().prefix { $0.isLetter || $0 == "-" }.lowercased()
                switch name {
                case "media", "supports", "layer", "container", "document", "-moz-document", "scope":
                    parseBlock(s, from: bodyStart, to: bodyEnd, depth: depth + 1)
                case "font-face":
                    let body = String(String.UnicodeScalarView(s[bodyStart..<bodyEnd]))
                    fontFaces.append(Dictionary(Self.declarations(body).map { ($0.property, $0.value) }, uniquingKeysWith: { $1 }))
                default:
                    break
                }
            } else if !prelude.isEmpty {
                let body = String(String.UnicodeScalarView(s[bodyStart..<bodyEnd]))
                rules.append(CSSRule(selector: prelude, declarations: Self.declarations(body)))
            }
            i = bodyEnd + 1
        }
    }

    /// The index of the first unquoted, unbracketed scalar in `stops`, or `end`.
    private static func scan(_ s: [Unicode.Scalar], from start: Int, to end: Int, stopAt stops: Set<Unicode.Scalar>) -> Int {
        var i = start
        var quote: Unicode.Scalar?
        var parens = 0
        while i < end {
            let c = s[i]
            if c == "\\" { i += 2; continue }
            if let open = quote {
                if c == open { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "(" {
                parens += 1
            } else if c == ")" {
                parens = max(0, parens - 1)
            } else if parens == 0, stops.contains(c) {
                return i
            }
            i += 1
        }
        return end
    }

    /// The index of the `}` closing the `{` at `open` (or `end` for an unclosed block).
    private static func matchingBrace(_ s: [Unicode.Scalar], open: Int, end: Int) -> Int {
        var depth = 0
        var i = open
        var quote: Unicode.Scalar?
        while i < end {
            let c = s[i]
            if c == "\\" { i += 2; continue }
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "{" {
                depth += 1
            } else if c == "}" {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return end
    }

    static func splitTopLevel(_ s: [Unicode.Scalar], separator: Unicode.Scalar) -> [String] {
        var parts: [String] = []
        var i = 0
        while i < s.count {
            let next = scan(s, from: i, to: s.count, stopAt: [separator])
            parts.append(String(String.UnicodeScalarView(s[i..<next])))
            i = next + 1
        }
        return parts
    }

    /// `@import url("a.css") screen;` / `@import 'a.css';` → `a.css`.
    static func importTarget(_ prelude: String) -> String? {
        let rest = prelude.dropFirst("@import".count).trimmingCharacters(in: .whitespaces)
        return CSSValue.urls(in: rest).first ?? CSSValue.unquote(rest.split(separator: " ").first.map(String.init) ?? "")
    }

    static func removingComments(_ text: String) -> String {
        guard text.contains("/*") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "/*") {
            out += rest[..<start.lowerBound]
            guard let end = rest.range(of: "*/", range: start.upperBound..<rest.endIndex) else { return out }
            rest = rest[end.upperBound...]
        }
        return out + rest
    }
}

import Foundation
