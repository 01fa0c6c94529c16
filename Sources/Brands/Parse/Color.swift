import Foundation

/// An sRGB colour as parsed from CSS, SVG or a manifest.
public struct Color: Sendable, Hashable {
    public let red: Double, green: Double, blue: Double
    public let alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = Self.unit(red)
        self.green = Self.unit(green)
        self.blue = Self.unit(blue)
        self.alpha = Self.unit(alpha)
    }

    /// A channel in 0...1. A site's CSS may say `rgb(nan, inf, 1e999)`: `min`/`max` pass NaN
    /// through, and `hex` would then trap converting it, so non-finite channels are 0.
    static func unit(_ value: Double) -> Double {
        value.isFinite ? min(max(value, 0), 1) : 0
    }

    /// `#RRGGBB`, upper-case.
    public var hex: String {
        String(format: "#%02X%02X%02X", Int((red * 255).rounded()), Int((green * 255).rounded()), Int((blue * 255).rounded()))
    }

    /// Parses `#abc`, `#aabbcc`, `#aabbccdd`, `rgb()/rgba()` (commas or spaces), `hsl()/hsla()` and a few names.
    public init?(css text: String) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if value.hasPrefix("#") {
            let digits = Array(value.dropFirst())
            guard digits.allSatisfy(\.isHexDigit) else { return nil }
            func channel(_ s: String) -> Double { Double(Int(s, radix: 16) ?? 0) / 255 }
            switch digits.count {
            case 3, 4:
                let parts = digits.map { String([$0, $0]) }
                self.init(red: channel(parts[0]), green: channel(parts[1]), blue: channel(parts[2]), alpha: digits.count == 4 ? channel(parts[3]) : 1)
            case 6, 8:
                let parts = stride(from: 0, to: digits.count, by: 2).map { String(digits[$0..<$0 + 2]) }
                self.init(red: channel(parts[0]), green: channel(parts[1]), blue: channel(parts[2]), alpha: digits.count == 8 ? channel(parts[3]) : 1)
            default:
                return nil
            }
            return
        }
        if let open = value.firstIndex(of: "("), value.hasSuffix(")") {
            let function = value[..<open]
            let arguments = value[value.index(after: open)..<value.index(before: value.endIndex)]
                .replacingOccurrences(of: "/", with: " ").replacingOccurrences(of: ",", with: " ")
                .split(separator: " ").map(String.init)
            guard arguments.count >= 3 else { return nil }
            func number(_ s: String, scale: Double) -> Double? {
                if s.hasSuffix("%") { return Double(s.dropLast()).map { $0 / 100 } }
                return Double(s).map { $0 / scale }
            }
            let alpha = arguments.count > 3 ? (number(arguments[3], scale: 1) ?? 1) : 1
            switch function {
            case "rgb", "rgba":
                guard let r = number(arguments[0], scale: 255), let g = number(arguments[1], scale: 255), let b = number(arguments[2], scale: 255) else { return nil }
                self.init(red: r, green: g, blue: b, alpha: alpha)
            case "hsl", "hsla":
                guard let h = Double(arguments[0].replacingOccurrences(of: "deg", with: "")), let s = number(arguments[1], scale: 100),
                    let l = number(arguments[2], scale: 100)
                else { return nil }
                let (r, g, b) = Self.rgb(hue: h, saturation: s, lightness: l)
                self.init(red: r, green: g, blue: b, alpha: alpha)
            default:
                return nil
            }
            return
        }
        guard let named = Self.names[value] else { return nil }
        self.init(css: named)
    }

    static let names: [String: String] = [
        "white": "#fff", "black": "#000", "red": "#f00", "blue": "#00f", "green": "#008000", "orange": "#ffa500",
        "purple": "#800080", "navy": "#000080", "teal": "#008080", "gray": "#808080", "grey": "#808080", "yellow": "#ff0",
    ]

    static func rgb(hue: Double, saturation s: Double, lightness l: Double) -> (Double, Double, Double) {
        let c = (1 - abs(2 * l - 1)) * s
        let h = (hue.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360) / 60
        let x = c * (1 - abs(h.truncatingRemainder(dividingBy: 2) - 1))
        let (r, g, b): (Double, Double, Double) =
            switch h {
            case 0..<1: (c, x, 0)
            case 1..<2: (x, c, 0)
            case 2..<3: (0, c, x)
            case 3..<4: (0, x, c)
            case 4..<5: (x, 0, c)
            default: (c, 0, x)
            }
        let m = l - c / 2
        return (r + m, g + m, b + m)
    }

    /// HSL saturation and lightness, 0…1.
    public var saturation: Double {
        let high = max(red, green, blue), low = min(red, green, blue)
        let l = (high + low) / 2
        guard high != low else { return 0 }
        return (high - low) / (1 - abs(2 * l - 1))
    }

    public var lightness: Double { (max(red, green, blue) + min(red, green, blue)) / 2 }

    /// Greys, near-white and near-black: rarely what a brand is recognised by.
    public var isNeutral: Bool { saturation < 0.15 || lightness > 0.94 || lightness < 0.08 }

    /// WCAG relative luminance.
    public var luminance: Double {
        func linear(_ c: Double) -> Double { c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// WCAG contrast ratio between two colours (1…21).
    public func contrast(with other: Color) -> Double {
        let (a, b) = (luminance, other.luminance)
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }

    /// CIE L*a*b* (D65), for perceptual distances.
    var lab: (Double, Double, Double) {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        let (r, g, b) = (linear(red), linear(green), linear(blue))
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
        func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16 / 116 }
        return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
    }

    /// CIE76 ΔE: under ~10 two colours read as the same brand colour.
    public func distance(to other: Color) -> Double {
        let (l1, a1, b1) = lab, (l2, a2, b2) = other.lab
        return ((l1 - l2) * (l1 - l2) + (a1 - a2) * (a1 - a2) + (b1 - b2) * (b1 - b2)).squareRoot()
    }

    /// Every colour literal in a CSS value (`1px solid #e5e7eb` → one colour).
    public static func all(in value: String) -> [Color] {
        var found: [Color] = []
        let scalars = Array(value.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "#" {
                var j = i + 1
                while j < scalars.count, j - i <= 8, CharacterSet(charactersIn: "0123456789abcdefABCDEF").contains(scalars[j]) { j += 1 }
                if let color = Color(css: String(String.UnicodeScalarView(scalars[i..<j]))) { found.append(color) }
                i = j
                continue
            }
            for function in ["rgba(", "rgb(", "hsla(", "hsl("] where String(String.UnicodeScalarView(scalars[i..<min(i + function.count, scalars.count)])).lowercased() == function {
                if let close = scalars[i...].firstIndex(of: ")") {
                    if let color = Color(css: String(String.UnicodeScalarView(scalars[i...close]))) { found.append(color) }
                    i = close
                }
                break
            }
            i += 1
        }
        return found
    }
}
