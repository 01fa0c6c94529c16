extension SVGSanitizer {
    /// SVG elements that draw, group, define paint or filter, or describe — nothing that runs,
    /// embeds another document or animates (`set`/`animate` can rewrite an `href` after the fact).
    /// Anything not listed is dropped with its content. Names are lower case as the parser gives them.
    static let allowedElements: Set<String> = [
        "svg", "g", "defs", "symbol", "use", "title", "desc", "switch", "a", "image", "style",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textpath",
        "lineargradient", "radialgradient", "stop", "clippath", "mask", "pattern", "marker", "filter",
        "feblend", "fecolormatrix", "fecomponenttransfer", "fecomposite", "feconvolvematrix", "fediffuselighting",
        "fedisplacementmap", "fedistantlight", "fedropshadow", "feflood", "fefunca", "fefuncb", "fefuncg", "fefuncr",
        "fegaussianblur", "feimage", "femerge", "femergenode", "femorphology", "feoffset", "fepointlight",
        "fespecularlighting", "fespotlight", "fetile", "feturbulence",
    ]

    /// The camel-case element and attribute names the HTML parser folded to lower case.
    static let camelCase: [String: String] = Dictionary(
        uniqueKeysWithValues: [
            "viewBox", "preserveAspectRatio", "gradientUnits", "gradientTransform", "patternUnits", "patternContentUnits", "patternTransform",
            "clipPathUnits", "maskUnits", "maskContentUnits", "filterUnits", "primitiveUnits", "stdDeviation", "textLength", "lengthAdjust",
            "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "pathLength", "spreadMethod", "baseFrequency", "numOctaves",
            "linearGradient", "radialGradient", "clipPath", "textPath", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix",
            "feComposite", "feFlood", "feMerge", "feMergeNode", "feMorphology", "feTurbulence", "feDropShadow", "startOffset",
            "tableValues", "kernelMatrix", "surfaceScale", "specularExponent", "diffuseConstant", "limitingConeAngle", "stitchTiles",
            "feComponentTransfer", "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feFuncA", "feFuncB",
            "feFuncG", "feFuncR", "feImage", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "xChannelSelector",
            "yChannelSelector", "kernelUnitLength", "pointsAtX", "pointsAtY", "pointsAtZ", "specularConstant", "targetX", "targetY",
            "edgeMode", "preserveAlpha", "systemLanguage", "requiredExtensions",
        ].map { ($0.lowercased(), $0) })
}
