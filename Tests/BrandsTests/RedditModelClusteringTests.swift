@testable import Brands
import AsyncHTTPClient
import Foundation
import LLM
import Logging
import Reddit
import Testing
import TestSupport

/// Clustering by a model (an OpenAI-compatible stand-in): items keep only the citations we can
/// check, and quotes only when they are word for word in the post they cite.
@Suite struct RedditModelClusteringTests {
    /// The fixture's posts are numbered best-scored first: 1 a1 (120), 2 a2 (80), 3 a3 (60),
    /// 4 c1 (45), 5 a4 (40), 6 c2 (30), 7 c4 (25), 8 c3 (12), 9 c5 (8), 10 c6 (5).
    static let answer = """
        {"desires": [{"text": "A bigger hopper", "sources": [9, 1, 6, 6]}, {"text": "Invented", "sources": [99]}],
         "pain_points": [{"text": "Too loud in the morning", "sources": [4, 8]}],
         "purchase_triggers": [{"text": "The old grinder died", "sources": [1]}],
         "quotes": [{"text": "I finally bought the Brewly after my old burr grinder died.", "source": 1, "customer_quote": true},
                    {"text": "Brewly is the best grinder ever made.", "source": 2, "customer_quote": true},
                    {"text": "My GrindMaster stopped working after a year and support never answered.", "source": 3, "customer_quote": true}],
         "marketing_brief": "Quiet and roomy wins."}
        """

    @Test func everyItemCitesPostsWeSentAndQuotesAreVerbatim() async throws {
        let server = try LLMTestServer(answer: Self.answer)
        try await server.start()
        defer { server.stop() }
        let llm = OpenAICompatibleClient(settings: LLMSettings(baseURL: server.baseURL, apiKey: "test-key", model: "test-model"), http: .shared, logger: Logger(label: "llm-test"))
        let insights = try await LLMRedditInsights(client: llm, brandName: "Brewly", competitors: ["GrindMaster"]).extract(try RedditClusteringTests.fixture())

        #expect(insights.desires.map(\.text) == ["A bigger hopper"])
        #expect(insights.desires[0].mentions == 3 && insights.desires[0].score == 158)
        #expect(RedditClusteringTests.ids(insights.desires[0]) == ["Coffee/comments/a1/", "Coffee/comments/pc2/comment/c2/", "BuyItForLife/comments/pc5/comment/c5/"])
        #expect(insights.painPoints.first?.sources.map(\.subreddit) == ["Coffee", "espresso"])
        #expect(insights.purchaseTriggers.first?.sources.first?.score == 120)
        // The invented quote is gone; the competitor's customer is a quote but not a testimonial, whatever the model said.
        #expect(insights.quotes.map(\.text) == [
            "I finally bought the Brewly after my old burr grinder died.", "My GrindMaster stopped working after a year and support never answered.",
        ])
        #expect(insights.quotes.map(\.customerQuote) == [true, false])
        #expect(insights.quotes.map(\.about) == [.brand, .competitor])
        #expect(insights.marketingBrief == "Quiet and roomy wins.")

        // The posts went in one delimited block, numbered, with the schema demanding citations.
        let body = try #require(server.requests().first?["body"] as? [String: Any])
        let messages = try #require(body["messages"] as? [[String: Any]])
        let user = try #require(messages.last?["content"] as? String)
        #expect(user.contains("<reddit_content>\n[1] r/Coffee score 120: Brewly grinder after six months I finally bought"))
        #expect(user.contains("[10] r/Coffee score 5: Brewly's app is annoying"))
        let format = try #require(body["response_format"] as? [String: Any])
        #expect((format["json_schema"] as? [String: Any])?["strict"] as? Bool == true)
    }
}
