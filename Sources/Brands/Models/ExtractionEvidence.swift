/// Why the extractor chose what it chose, kept in `brand_extraction_status.evidence` so the UI
/// (and `blumpo brand extract --json`) can explain a colour, a font or a logo.
public struct ImageEvidence: Codable, Sendable, Equatable {
    /// The absolute URL as found on the page (a `data:` URI as written; the page URL for inline SVG).
    public let sourceURL: String
    /// `header-img`, `home-link-img`, `inline-svg`, `json-ld`, `mask-icon`, `apple-touch-icon`, `og-logo`,
    /// `manifest-icon`, `favicon`, `og-image`, `hero-img`, `css-background`, `content-img`, `upload`.
    public let method: String
    public let score: Double
    /// Set when the asset could not be downloaded or decoded.
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case sourceURL = "source_url", method, score, error
    }

    public init(sourceURL: String, method: String, score: Double, error: String? = nil) {
        self.sourceURL = sourceURL
        self.method = method
        self.score = (score * 100).rounded() / 100
        self.error = error
    }
}

public struct ColorEvidence: Codable, Sendable, Equatable {
    public let hex: String
    /// `theme-color`, `manifest`, `css-variable --brand-primary`, `button-background`, `link`, `logo-svg`, `frequency`.
    public let source: String
    public let score: Double
}

public struct FontEvidence: Codable, Sendable, Equatable {
    public let family: String
    /// `google-fonts`, `font-face`, `css`, `typekit`.
    public let source: String
    public let count: Int
}

public struct LanguageEvidence: Codable, Sendable, Equatable {
    public let value: String
    /// `html-lang`, `og-locale`, `content-language`, `default`.
    public let source: String
}
