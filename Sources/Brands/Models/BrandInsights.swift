import Foundation

/// The marketing insight fields of `brand_insights` that extraction fills and users edit.
/// Reddit fields belong to Reddit mining and are not part of this value.
public struct InsightFields: Codable, Sendable, Equatable {
    public var industry: String?
    public var customerPainPoints: [String]?
    public var productDescription: String?
    public var keyFeatures: [String]?
    public var brandVoice: String?
    public var uniqueValueProp: String?
    public var expectedCustomer: String?
    public var targetCustomer: String?
    public var keyBenefits: [String]?
    public var competitors: [String]?
    public var insTriggerEvents: [String]?
    public var insAspirations: [String]?
    public var insInterestingQuotes: [String]?
    public var insMarketingInsight: String?
    public var insTrendOpportunity: String?
    public var marketingBrief: String?
    /// Testimonials and offers found verbatim on the pages (kept in `ins_raw`, not a column of
    /// its own, and not editable: a typed testimonial would not be one the page gives).
    public var grounded = GroundedClaims()
    /// What Reddit says (the `reddit_*` columns, written by the reddit step, never by an edit).
    public var reddit = RedditInsights()

    public init() {}

    /// Pain points an ad may address without the user typing them: the site's and Reddit's.
    public var selectablePainPoints: [String] {
        (customerPainPoints ?? []) + reddit.painPoints.map(\.text)
    }

    /// Customer words an ad may quote: testimonials signed on the brand's pages, and Reddit
    /// quotes marked as a customer speaking of this brand (never a competitor's customer).
    public var usableTestimonials: [GroundedClaims.Testimonial] {
        grounded.testimonials + reddit.customerQuotes.compactMap { quote in
            quote.sources.first.map { GroundedClaims.Testimonial(quote: quote.text, attribution: "a customer on r/\($0.subreddit)", source: $0.permalink) }
        }
    }

    enum CodingKeys: String, CodingKey {
        case industry
        case customerPainPoints = "customer_pain_points"
        case productDescription = "product_description"
        case keyFeatures = "key_features"
        case brandVoice = "brand_voice"
        case uniqueValueProp = "unique_value_prop"
        case expectedCustomer = "expected_customer"
        case targetCustomer = "target_customer"
        case keyBenefits = "key_benefits"
        case competitors
        case insTriggerEvents = "ins_trigger_events"
        case insAspirations = "ins_aspirations"
        case insInterestingQuotes = "ins_interesting_quotes"
        case insMarketingInsight = "ins_marketing_insight"
        case insTrendOpportunity = "ins_trend_opportunity"
        case marketingBrief = "marketing_brief"
    }

    /// Every field, nulls included: the API shows each column, filled or empty on purpose.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(industry, forKey: .industry)
        try container.encode(customerPainPoints, forKey: .customerPainPoints)
        try container.encode(productDescription, forKey: .productDescription)
        try container.encode(keyFeatures, forKey: .keyFeatures)
        try container.encode(brandVoice, forKey: .brandVoice)
        try container.encode(uniqueValueProp, forKey: .uniqueValueProp)
        try container.encode(expectedCustomer, forKey: .expectedCustomer)
        try container.encode(targetCustomer, forKey: .targetCustomer)
        try container.encode(keyBenefits, forKey: .keyBenefits)
        try container.encode(competitors, forKey: .competitors)
        try container.encode(insTriggerEvents, forKey: .insTriggerEvents)
        try container.encode(insAspirations, forKey: .insAspirations)
        try container.encode(insInterestingQuotes, forKey: .insInterestingQuotes)
        try container.encode(insMarketingInsight, forKey: .insMarketingInsight)
        try container.encode(insTrendOpportunity, forKey: .insTrendOpportunity)
        try container.encode(marketingBrief, forKey: .marketingBrief)
    }

    /// Text fields and list fields by column name, for the generic SQL update and for validation.
    public static let textFields = ["industry", "product_description", "brand_voice", "unique_value_prop", "expected_customer", "target_customer", "ins_marketing_insight", "ins_trend_opportunity", "marketing_brief"]
    public static let listFields = ["customer_pain_points", "key_features", "key_benefits", "competitors", "ins_trigger_events", "ins_aspirations", "ins_interesting_quotes"]
}
