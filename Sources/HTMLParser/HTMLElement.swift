/// One element of a parsed page: its lower-case tag name, attributes and children in order.
public final class HTMLElement: Sendable {
    public let name: String
    public let attributes: [String: String]
    public let children: [HTMLNode]

    public init(name: String, attributes: [String: String], children: [HTMLNode]) {
        self.name = name
        self.attributes = attributes
        self.children = children
    }

    public subscript(attribute: String) -> String? { attributes[attribute] }

    /// The `class` attribute split into names.
    public var classNames: [String] { (attributes["class"] ?? "").split(whereSeparator: \.isWhitespace).map(String.init) }

    /// Child elements only.
    public var elements: [HTMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// Every text node below this element joined, whitespace collapsed; script and style skipped.
    public var text: String {
        var parts: [String] = []
        collectText(into: &parts)
        return parts.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private func collectText(into parts: inout [String]) {
        guard name != "script", name != "style", name != "template", name != "noscript" else { return }
        for child in children {
            switch child {
            case .text(let text): parts.append(text)
            case .element(let element): element.collectText(into: &parts)
            }
        }
    }

    /// The raw text content (for `<script>` and `<style>`).
    public var rawText: String {
        children.map { if case .text(let text) = $0 { text } else { "" } }.joined()
    }

    /// Visits this element and every descendant depth-first with its ancestors (outermost first).
    public func walk(_ visit: (HTMLElement, [HTMLElement]) -> Void) {
        var ancestors: [HTMLElement] = []
        walk(ancestors: &ancestors, visit)
    }

    private func walk(ancestors: inout [HTMLElement], _ visit: (HTMLElement, [HTMLElement]) -> Void) {
        visit(self, ancestors)
        ancestors.append(self)
        for element in elements { element.walk(ancestors: &ancestors, visit) }
        ancestors.removeLast()
    }

    /// Every descendant (and this element) named `name`, in document order.
    public func all(_ name: String) -> [HTMLElement] {
        var found: [HTMLElement] = []
        walk { element, _ in if element.name == name { found.append(element) } }
        return found
    }

    /// Serializes back to markup (used to keep an inline SVG logo as a file).
    public var outerHTML: String {
        var out = "<\(name)"
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) { out += " \(key)=\"\(Self.escape(value))\"" }
        out += ">"
        for child in children {
            switch child {
            case .text(let text): out += Self.escape(text)
            case .element(let element): out += element.outerHTML
            }
        }
        return out + "</\(name)>"
    }

    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// A child of an element.
public enum HTMLNode: Sendable {
    case element(HTMLElement)
    case text(String)
}
