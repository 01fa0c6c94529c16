import HTMLParser

/// Turns an SVG found on a page (inline or downloaded) into a standalone, inert SVG file:
/// scripts, `foreignObject`, event handlers and external references are dropped, the SVG
/// namespace is declared, and the camel-case names the HTML parser folded are restored.
enum SVGSanitizer {
    static func standalone(_ svg: HTMLElement) -> String {
        var root = svg.attributes
        root["xmlns"] = "http://www.w3.org/2000/svg"
        root.removeValue(forKey: "xmlns:xlink")
        return serialize(HTMLElement(name: "svg", attributes: root, children: svg.children))
    }

    static let droppedElements: Set<String> = ["script", "foreignobject", "iframe", "object", "embed", "audio", "video", "animate", "set", "handler"]

    static func serialize(_ element: HTMLElement) -> String {
        let name = camelCase[element.name] ?? element.name
        var out = "<\(name)"
        for (key, value) in element.attributes.sorted(by: { $0.key < $1.key }) {
            if key.hasPrefix("on") { continue }
            if key == "href" || key == "xlink:href" || key == "src" {
                // Only in-document references and embedded images stay.
                guard value.hasPrefix("#") || value.lowercased().hasPrefix("data:image/png") || value.lowercased().hasPrefix("data:image/jpeg") else { continue }
            }
            if value.lowercased().contains("javascript:") { continue }
            let attribute = key == "xlink:href" ? "href" : (camelCase[key] ?? key)
            out += " \(attribute)=\"\(HTMLElement.escape(value))\""
        }
        out += ">"
        for child in element.children {
            switch child {
            case .text(let text): out += HTMLElement.escape(text)
            case .element(let inner) where !droppedElements.contains(inner.name): out += serialize(inner)
            case .element: break
            }
        }
        return out + "</\(name)>"
    }

    static let camelCase: [String: String] = Dictionary(
        uniqueKeysWithValues: [
            "viewBox", "preserveAspectRatio", "gradientUnits", "gradientTransform", "patternUnits", "patternContentUnits", "patternTransform",
            "clipPathUnits", "maskUnits", "maskContentUnits", "filterUnits", "primitiveUnits", "stdDeviation", "textLength", "lengthAdjust",
            "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "pathLength", "spreadMethod", "baseFrequency", "numOctaves",
            "linearGradient", "radialGradient", "clipPath", "textPath", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix",
            "feComposite", "feFlood", "feMerge", "feMergeNode", "feMorphology", "feTurbulence", "feDropShadow", "startOffset",
            "tableValues", "kernelMatrix", "surfaceScale", "specularExponent", "diffuseConstant", "limitingConeAngle", "stitchTiles",
        ].map { ($0.lowercased(), $0) })
}
