import Foundation
public import Reddit

/// Where a Reddit insight was said: the post or comment, its community and how it was received.
public struct RedditReceipt: Codable, Sendable, Equatable {
    public let permalink: String
    public let subreddit: String
    public let score: Int

    public init(permalink: String, subreddit: String, score: Int) {
        self.permalink = permalink
        self.subreddit = subreddit
        self.score = score
    }

    public init(_ item: RedditItem) {
        self.init(permalink: item.permalink, subreddit: item.subreddit, score: item.score)
    }
}

/// One desire, pain point, purchase trigger or quote mined from Reddit, with every post or
/// comment it stands for. An item without a source is never stored.
public struct RedditInsightItem: Codable, Sendable, Equatable {
    public var text: String
    /// How many posts and comments said it.
    public var mentions: Int
    /// Their summed score.
    public var score: Int
    public var sources: [RedditReceipt]
    /// Quotes only: who the words are about (`brand`, `competitor`, `category`).
    public var about: SearchTerm.About?
    /// Quotes only: a customer speaking of this brand, first hand. Only these may appear in a
    /// testimonial ad; a competitor's customer or a bystander never does.
    public var customerQuote: Bool?

    enum CodingKeys: String, CodingKey {
        case text, mentions, score, sources, about
        case customerQuote = "customer_quote"
    }

    public init(text: String, mentions: Int, score: Int, sources: [RedditReceipt], about: SearchTerm.About? = nil, customerQuote: Bool? = nil) {
        self.text = text
        self.mentions = mentions
        self.score = score
        self.sources = sources
        self.about = about
        self.customerQuote = customerQuote
    }
}

/// The `reddit_*` columns of `brand_insights`.
public struct RedditInsights: Codable, Sendable, Equatable {
    public var desires: [RedditInsightItem] = []
    public var painPoints: [RedditInsightItem] = []
    public var purchaseTriggers: [RedditInsightItem] = []
    public var quotes: [RedditInsightItem] = []
    public var marketingBrief: String?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case desires = "reddit_customer_desires", painPoints = "reddit_customer_pain_points"
        case purchaseTriggers = "reddit_purchase_triggers", quotes = "reddit_interesting_quotes"
        case marketingBrief = "reddit_marketing_brief"
    }

    /// Quotes an ad may show as a customer's words about this brand.
    public var customerQuotes: [RedditInsightItem] {
        quotes.filter { $0.customerQuote == true && $0.about == .brand && !$0.sources.isEmpty }
    }
}
