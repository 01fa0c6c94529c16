internal import CLibXML2

/// A page parsed by libxml2's HTML parser, which recovers from broken markup the way browsers do
/// and decodes the page's charset (the HTTP header's, else `<meta charset>`, else UTF-8/Latin-1).
/// Element names keep a namespace prefix as written (`s:script`), which libxml2 alone would drop.
///
/// This module imports no Foundation: libxml2's headers pull in the system ICU, which clashes
/// with Foundation's own. Everything else uses the Swift tree built here.
public struct HTMLDocument: Sendable {
    /// The `<html>` element (libxml2 adds one when the page has none).
    public let root: HTMLElement

    /// Parses `bytes`; `charset` is the one named by the HTTP `Content-Type`, if any.
    public init(bytes: [UInt8], charset: String? = nil) {
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue)
        let document: htmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                blumpo_html_read_memory(pointer, Int32(buffer.count), charset.flatMap(Self.libxmlEncoding), options)
            }
        }
        defer { if let document { xmlFreeDoc(document) } }
        guard let document, let rootNode = xmlDocGetRootElement(document) else {
            root = HTMLElement(name: "html", attributes: [:], children: [])
            return
        }
        root = Self.element(rootNode, depth: 0)
    }

    public init(html: String) { self.init(bytes: Array(html.utf8), charset: "utf-8") }

    /// libxml2 knows most IANA names; it rejects a few spellings servers send.
    private static func libxmlEncoding(_ charset: String) -> String? {
        let name = charset.lowercased().trimmingCharacters(in: " \"'")
        return name.isEmpty ? nil : name
    }

    /// Deep enough for any real page; deeper branches are cut to keep recursion bounded.
    private static let maximumDepth = 256

    private static func element(_ node: xmlNodePtr, depth: Int) -> HTMLElement {
        let name = String(cString: node.pointee.name).lowercased()
        var attributes: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            let key = String(cString: current.pointee.name).lowercased()
            if let value = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                attributes[key] = String(cString: value)
                blumpo_xml_free(value)
            } else {
                attributes[key] = ""
            }
            attribute = current.pointee.next
        }
        var children: [HTMLNode] = []
        var child = depth < maximumDepth ? node.pointee.children : nil
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(.element(element(current, depth: depth + 1)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { children.append(.text(String(cString: content))) }
            default:
                break
            }
            child = current.pointee.next
        }
        return HTMLElement(name: name, attributes: attributes, children: children)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
