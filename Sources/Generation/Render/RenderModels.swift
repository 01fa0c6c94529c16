public import Core
public import Foundation
public import Imaging

/// What the renderer knows about a brand: its name, palette, fonts and images (bytes, already
/// fetched from the blob store).
public struct BrandKit: Sendable {
    public var name: String
    /// Hex colours, brand colours first.
    public var colors: [String]
    /// Font families, most used first.
    public var fonts: [String]
    /// The logo as PNG (an SVG logo's rasterized sibling), if any.
    public var logo: Data?
    /// Product or hero photos, best first.
    public var photos: [Data]

    public init(name: String, colors: [String], fonts: [String], logo: Data?, photos: [Data]) {
        self.name = name
        self.colors = colors
        self.fonts = fonts
        self.logo = logo
        self.photos = photos
    }
}

/// The words on an ad. Archetypes use the optional parts: `quote` and `attribution`
/// (testimonial), `comparison` (competitor comparison), `offer` (promotion), `bottomText` (meme).
public struct AdCopy: Sendable, Codable, Equatable {
    public var headline: String
    public var subline: String?
    public var cta: String
    public var quote: String?
    public var attribution: String?
    public var comparison: String?
    public var offer: String?
    public var bottomText: String?

    public init(
        headline: String, subline: String? = nil, cta: String, quote: String? = nil, attribution: String? = nil, comparison: String? = nil,
        offer: String? = nil, bottomText: String? = nil
    ) {
        self.headline = headline
        self.subline = subline
        self.cta = cta
        self.quote = quote
        self.attribution = attribution
        self.comparison = comparison
        self.offer = offer
        self.bottomText = bottomText
    }

    enum CodingKeys: String, CodingKey {
        case headline, subline, cta, quote, attribution, comparison, offer
        case bottomText = "bottom_text"
    }
}

/// One ad to render.
/// A layout of the built-in renderer.
public enum AdTemplate: String, Sendable, Codable, CaseIterable {
    case split, poster
    /// The fallback when neither seeded layout passes preflight.
    case plain

    /// The visually different layouts a seed chooses between.
    public static let seeded: [AdTemplate] = [.split, .poster]
}

public struct RenderRequest: Sendable {
    public var archetype: String
    public var format: AdFormat
    public var kit: BrandKit
    public var copy: AdCopy
    /// Chooses the template variant (and nothing else): same inputs and seed, same bytes.
    public var seed: UInt64
    public var output: ImageFormat
    public var quality: Int
    /// A layout to force instead of the seed's choice.
    public var template: AdTemplate?

    public init(archetype: String, format: AdFormat, kit: BrandKit, copy: AdCopy, seed: UInt64, output: ImageFormat = .webp, quality: Int = 88, template: AdTemplate? = nil) {
        self.archetype = archetype
        self.format = format
        self.kit = kit
        self.copy = copy
        self.seed = seed
        self.output = output
        self.quality = quality
        self.template = template
    }
}

/// A rendered ad and the checks it passed.
public struct RenderedAd: Sendable {
    public let data: Data
    public let format: ImageFormat
    public let width: Int
    public let height: Int
    public let template: AdTemplate
    public let preflight: PreflightReport
    /// The drawing steps of the layout that passed.
    public let operations: [DrawOperation]
}

/// The preflight of one rendered ad, stored with the image.
public struct PreflightReport: Sendable, Codable, Equatable {
    public var passed: Bool
    /// Text and logo boxes inside the format's safe zones.
    public var safeZones: Bool
    /// The lowest text contrast measured against the pixels actually behind the text.
    public var minimumContrast: Double
    public var logoPresent: Bool
    public var logoLegible: Bool
    /// Every text block fitted its box at a readable size without being cut.
    public var textFits: Bool
    /// Layouts tried before this one passed (1 = the first).
    public var attempts: Int
    public var problems: [String]

    enum CodingKeys: String, CodingKey {
        case passed, attempts, problems
        case safeZones = "safe_zones", minimumContrast = "minimum_contrast", logoPresent = "logo_present"
        case logoLegible = "logo_legible", textFits = "text_fits"
    }
}

/// Why an ad could not be rendered.
public struct RenderError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
