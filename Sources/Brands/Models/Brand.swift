import Core
public import Foundation

/// A brand: the identity Blumpo extracts from a website and users edit (`brand` row).
public struct Brand: Sendable, Encodable {
    public let id: UUID
    public let userID: UUID
    public let createdAt: Date
    public let updatedAt: Date
    public let isDeleted: Bool
    public let name: String
    public let websiteURL: String
    public let language: String
    public let fonts: [FontExtractor.RankedFont]?
    public let colors: [String]?
    public let photos: [String]?
    public let heroPhotos: [String]?
    public let logoURL: String?
    public let websiteDataURL: String?

    /// Every image the brand holds: its logo, hero photos and photos.
    public var heldAssets: [String] {
        [logoURL].compactMap { $0 } + (heroPhotos ?? []) + (photos ?? [])
    }

    enum CodingKeys: String, CodingKey {
        case id, name, language, fonts, colors, photos
        case userID = "user_id", createdAt = "created_at", updatedAt = "updated_at", isDeleted = "is_deleted"
        case websiteURL = "website_url", heroPhotos = "hero_photos", logoURL = "logo_url", websiteDataURL = "website_data_url"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeID(id, forKey: .id)
        try container.encodeID(userID, forKey: .userID)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(isDeleted, forKey: .isDeleted)
        try container.encode(name, forKey: .name)
        try container.encode(websiteURL, forKey: .websiteURL)
        try container.encode(language, forKey: .language)
        try container.encode(fonts, forKey: .fonts)
        try container.encode(colors, forKey: .colors)
        try container.encode(photos, forKey: .photos)
        try container.encode(heroPhotos, forKey: .heroPhotos)
        try container.encode(logoURL, forKey: .logoURL)
        try container.encode(websiteDataURL, forKey: .websiteDataURL)
    }
}

/// The extraction steps, each with its own status and error columns. `reddit` mines Reddit
/// with the terms `insights` found, so it runs after it.
public enum ExtractionStep: String, Sendable, Codable, CaseIterable {
    case fonts, colors, logo, hero, insights, reddit
}

/// A step's `<step>_status` column: `pending` until the step ends, then `ok` or `error`, or
/// `skipped` when it could not run by configuration (Reddit without credentials; the reason is
/// in the error column).
public enum StepStatus: String, Sendable, Codable {
    case pending, ok, error, skipped
}

/// `brand_extraction_status` as the API shows it.
public struct ExtractionStatus: Sendable, Encodable {
    public struct StepState: Sendable, Encodable {
        public let status: StepStatus
        public let error: String?
    }
    public let steps: [ExtractionStep: StepState]
    public let crawledAt: Date?
    public let crawlError: String?
    public let updatedAt: Date

    /// `pending` while any step is pending, `error` when every step that ran failed, `partial`
    /// when some did, else `ok`. A skipped step neither failed nor succeeded.
    public var overall: String {
        let states = ExtractionStep.allCases.map { steps[$0]?.status ?? .pending }
        if states.contains(.pending) { return "pending" }
        let ran = states.filter { $0 != .skipped }
        if !ran.isEmpty, ran.allSatisfy({ $0 == .error }) { return "error" }
        return states.contains(.error) ? "partial" : "ok"
    }

    enum CodingKeys: String, CodingKey {
        case overall, crawledAt = "crawled_at", crawlError = "crawl_error", updatedAt = "updated_at"
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// `{overall, colors_status, colors_error, …, crawled_at, crawl_error, updated_at}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(overall, forKey: Key(stringValue: "overall"))
        for step in ExtractionStep.allCases {
            try container.encode(steps[step]?.status ?? .pending, forKey: Key(stringValue: "\(step.rawValue)_status"))
            try container.encode(steps[step]?.error, forKey: Key(stringValue: "\(step.rawValue)_error"))
        }
        try container.encode(crawledAt, forKey: Key(stringValue: "crawled_at"))
        try container.encode(crawlError, forKey: Key(stringValue: "crawl_error"))
        try container.encode(updatedAt, forKey: Key(stringValue: "updated_at"))
    }
}

/// `brand_insights` as the API shows it: the editable fields, `ins_raw` and the Reddit fields.
public struct BrandInsightsRecord: Sendable, Encodable {
    public let fields: InsightFields
    /// JSON text of `ins_raw`.
    public let raw: String?
    public let updatedAt: Date
    /// The website items' receipts as stored.
    public let receipts: InsightReceipts

    public init(fields: InsightFields, raw: String?, updatedAt: Date, receipts: InsightReceipts = .init()) {
        self.fields = fields
        self.raw = raw
        self.updatedAt = updatedAt
        self.receipts = receipts
    }

    /// The fields, `ins_raw`, the Reddit lists (each item with its sources; null until mined)
    /// and `sources`: every website item, in its field's order, with its receipts.
    public func encode(to encoder: any Encoder) throws {
        try fields.encode(to: encoder)
        var container = encoder.container(keyedBy: ExtractionStatus.Key.self)
        let rawValue = raw.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        try container.encode(rawValue, forKey: .init(stringValue: "ins_raw"))
        try container.encode(updatedAt, forKey: .init(stringValue: "updated_at"))
        let reddit = fields.reddit
        let lists = [("reddit_customer_desires", reddit.desires), ("reddit_customer_pain_points", reddit.painPoints),
                     ("reddit_interesting_quotes", reddit.quotes), ("reddit_purchase_triggers", reddit.purchaseTriggers)]
        for (key, items) in lists {
            try container.encode(items.isEmpty ? nil : items, forKey: .init(stringValue: key))
        }
        try container.encode(reddit.marketingBrief, forKey: .init(stringValue: "reddit_marketing_brief"))
        try container.encode(receipts.aligned(with: fields), forKey: .init(stringValue: "sources"))
    }
}
