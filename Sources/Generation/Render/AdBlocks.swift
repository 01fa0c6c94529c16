/// One piece of text on an ad and how it is set.
struct AdBlock {
    enum Role {
        /// The main line.
        case headline
        case body
        /// A customer's words, set large in italics.
        case quote
        /// Small print: attribution, comparison labels.
        case small
        /// A call to action on a button.
        case button
        /// An offer on a badge.
        case badge
        /// A meme caption: bold capitals on a dark strip.
        case caption
    }

    let role: Role
    var text: String

    /// Size relative to the format's shorter side.
    var relativeSize: Double {
        switch role {
        case .headline: 0.074
        case .quote: 0.058
        case .body: 0.036
        case .small: 0.028
        case .button: 0.034
        case .badge: 0.064
        case .caption: 0.072
        }
    }

    var weight: String {
        switch role {
        case .headline, .button, .badge, .caption: "Bold"
        case .quote: "Italic"
        case .body, .small: ""
        }
    }

    /// The archetype's blocks, top to bottom.
    static func blocks(archetype: String, copy: AdCopy) -> [AdBlock] {
        var blocks: [AdBlock] = []
        func add(_ role: Role, _ text: String?) {
            if let text, !text.trimmingCharacters(in: .whitespaces).isEmpty { blocks.append(AdBlock(role: role, text: text)) }
        }
        switch archetype {
        case "testimonial":
            add(.quote, "“\(copy.quote ?? copy.headline)”")
            add(.small, copy.attribution.map { "— \($0)" })
            add(.body, copy.subline)
        case "competitor_comparison":
            add(.headline, copy.headline)
            add(.small, copy.comparison)
            add(.body, copy.subline)
        case "promotion_offer":
            add(.badge, copy.offer)
            add(.headline, copy.headline)
            add(.body, copy.subline)
        case "meme":
            add(.caption, copy.headline.uppercased())
            add(.caption, (copy.bottomText ?? copy.subline)?.uppercased())
            return blocks
        default:
            add(.headline, copy.headline)
            add(.body, copy.subline)
        }
        add(.button, copy.cta)
        return blocks
    }
}

/// A rectangle in pixels.
struct Box: Equatable {
    var x: Int, y: Int, width: Int, height: Int
    var maxX: Int { x + width }
    var maxY: Int { y + height }

    func contains(_ other: Box) -> Bool {
        other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY
    }

    func inset(by amount: Int) -> Box { Box(x: x + amount, y: y + amount, width: max(1, width - 2 * amount), height: max(1, height - 2 * amount)) }

    func intersection(_ other: Box) -> Box {
        let left = max(x, other.x), top = max(y, other.y)
        return Box(x: left, y: top, width: max(1, min(maxX, other.maxX) - left), height: max(1, min(maxY, other.maxY) - top))
    }
}

/// Where text may go: story keeps its top 14 % and bottom 20 % clear (platform UI), every
/// format keeps a margin of 6 % of its shorter side.
enum SafeArea {
    static func box(width: Int, height: Int) -> Box {
        let margin = Int(Double(min(width, height)) * 0.06)
        if height > width * 3 / 2 {
            let top = Int((Double(height) * 0.14).rounded(.up)), bottom = Int((Double(height) * 0.20).rounded(.up))
            return Box(x: margin, y: top, width: width - 2 * margin, height: height - top - bottom)
        }
        return Box(x: margin, y: margin, width: width - 2 * margin, height: height - 2 * margin)
    }
}

import Foundation