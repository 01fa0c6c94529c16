import Foundation

/// Helpers for CSS values: `url(...)`, quoted strings, font lists, colours.
public enum CSSValue {
    /// Every `url(...)` target in a value, unquoted.
    public static func urls(in value: String) -> [String] {
        var found: [String] = []
        var rest = Substring(value)
        while let start = rest.range(of: "url(", options: .caseInsensitive) {
            guard let end = rest.range(of: ")", range: start.upperBound..<rest.endIndex) else { break }
            let target = unquote(String(rest[start.upperBound..<end.lowerBound]))
            if !target.isEmpty { found.append(target) }
            rest = rest[end.upperBound...]
        }
        return found
    }

    public static func unquote(_ text: String) -> String {
        var value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            value = String(value.dropFirst().dropLast())
        }
        return value
    }

    /// `"Inter", -apple-system, sans-serif` → `["Inter", "-apple-system", "sans-serif"]`.
    public static func fontFamilies(_ value: String) -> [String] {
        Stylesheet.splitTopLevel(Array(value.unicodeScalars), separator: ",").map { unquote($0) }.filter { !$0.isEmpty }
    }
}
