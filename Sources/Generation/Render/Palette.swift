import Foundation
import Brands

/// The colours of one ad, chosen from the brand palette for contrast.
struct Palette {
    /// The panel behind the text: the first brand colour.
    let panel: Color
    /// Buttons and badges: a second brand colour that reads against the panel, else white or ink.
    let accent: Color

    static let white = Color(red: 1, green: 1, blue: 1)
    static let ink = Color(css: "#111827")!
    static let fallback = Color(css: "#1F2937")!

    init(colors: [String]) {
        let parsed = colors.compactMap { Color(css: $0) }
        let brand = parsed.first { !$0.isNeutral } ?? parsed.first ?? Self.fallback
        panel = brand
        let second = parsed.first { $0 != brand && !$0.isNeutral && $0.distance(to: brand) > 25 && $0.contrast(with: brand) >= 1.4 }
        accent = second ?? Self.readable(on: brand)
    }

    /// White or ink, whichever contrasts more with `background`.
    static func readable(on background: Color) -> Color {
        white.contrast(with: background) >= ink.contrast(with: background) ? white : ink
    }

    /// WCAG contrast of a text colour against the worst pixel of a region, from the region's
    /// gamma-encoded luminance range.
    static func worstContrast(of text: Color, minimum: Double, maximum: Double) -> Double {
        func linear(_ v: Double) -> Double { v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4) }
        let t = text.luminance
        func ratio(_ l: Double) -> Double { (max(t, l) + 0.05) / (min(t, l) + 0.05) }
        return min(ratio(linear(minimum)), ratio(linear(maximum)))
    }

    /// The text colour with the better worst case over a region.
    static func text(minimum: Double, maximum: Double) -> (Color, Double) {
        let onWhite = worstContrast(of: white, minimum: minimum, maximum: maximum)
        let onInk = worstContrast(of: ink, minimum: minimum, maximum: maximum)
        return onWhite >= onInk ? (white, onWhite) : (ink, onInk)
    }
}

extension Color {
    var channels: (Double, Double, Double) { (red * 255, green * 255, blue * 255) }
}
