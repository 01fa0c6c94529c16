import Core

/// Splits a SQL file into single statements.
///
/// PostgresNIO speaks only the extended query protocol, which runs one statement per message,
/// so migration files are cut at top-level semicolons. Quotes, identifiers, comments and
/// dollar-quoted bodies (`$$ … $$`, `$fn$ … $fn$`) are respected.
public enum SQLScript {
    public static func statements(in script: String) -> [String] {
        let chars = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let text = String(current).trimmingWhitespace()
            if !text.isEmpty && !isOnlyComments(text) { statements.append(text) }
            current = String.UnicodeScalarView()
        }

        while index < chars.count {
            let char = chars[index]
            let next: Unicode.Scalar? = index + 1 < chars.count ? chars[index + 1] : nil
            switch char {
            case "-" where next == "-":
                let end = chars[index...].firstIndex(of: "\n") ?? chars.count
                current.append(contentsOf: chars[index..<end])
                index = end
            case "/" where next == "*":
                let end = indexAfter(closing: ["*", "/"], in: chars, from: index + 2)
                current.append(contentsOf: chars[index..<end])
                index = end
            case "'", "\"":
                let end = indexAfterQuoted(char, in: chars, from: index + 1)
                current.append(contentsOf: chars[index..<end])
                index = end
            case "$":
                if let tag = dollarTag(in: chars, at: index) {
                    let end = indexAfter(closing: tag, in: chars, from: index + tag.count)
                    current.append(contentsOf: chars[index..<end])
                    index = end
                } else {
                    current.append(char)
                    index += 1
                }
            case ";":
                flush()
                index += 1
            default:
                current.append(char)
                index += 1
            }
        }
        flush()
        return statements
    }

    private static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { String($0).trimmingWhitespace().hasPrefix("--") }
    }

    /// `$tag$` starting at `index`, or nil when the dollar sign is a positional parameter or part of a name.
    private static func dollarTag(in chars: [Unicode.Scalar], at index: Int) -> [Unicode.Scalar]? {
        var end = index + 1
        while end < chars.count, chars[end] == "_" || chars[end].properties.isAlphabetic { end += 1 }
        guard end < chars.count, chars[end] == "$" else { return nil }
        return Array(chars[index...end])
    }

    private static func indexAfterQuoted(_ quote: Unicode.Scalar, in chars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        while index < chars.count {
            if chars[index] == quote {
                // A doubled quote is an escaped quote, not the end.
                if index + 1 < chars.count, chars[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return chars.count
    }

    private static func indexAfter(closing marker: [Unicode.Scalar], in chars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        while index + marker.count <= chars.count {
            if Array(chars[index..<(index + marker.count)]) == marker { return index + marker.count }
            index += 1
        }
        return chars.count
    }
}
