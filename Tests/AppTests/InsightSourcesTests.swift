import App
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import TestSupport
import Testing

/// `GET /api/v1/brands/{id}/insights` shows every item's receipts: page and sentence for the
/// website's, permalink, subreddit and score for Reddit's; edits keep them.
@Suite struct InsightSourcesTests {
    static let websiteSources = """
        {"customer_pain_points": [
          {"text": "Status meetings eat the week", "sources": [{"url": "https://acme.example/", "sentence": "Status meetings eat the week; Acme gives it back."}]},
          {"text": "Tools nobody updates", "sources": [{"url": "https://acme.example/features", "sentence": "No more tools nobody updates."}]}]}
        """
    static let redditPains = """
        [{"text": "I hate chasing status updates in Slack", "mentions": 2, "score": 131,
          "sources": [{"permalink": "https://www.reddit.com/r/projectmanagement/comments/abc/", "subreddit": "projectmanagement", "score": 120},
                      {"permalink": "https://www.reddit.com/r/remotework/comments/def/", "subreddit": "remotework", "score": 11}]}]
        """
    static let redditQuotes = """
        [{"text": "We switched to Acme and standups got shorter.", "mentions": 1, "score": 42, "about": "brand", "customer_quote": true,
          "sources": [{"permalink": "https://www.reddit.com/r/startups/comments/ghi/", "subreddit": "startups", "score": 42}]}]
        """

    @Test func insightsCarryTheirSourcesAndEditsKeepThem() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("receipts@example.com", db: db)
            let id = try #require(try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://acme.example"], token: token).body["id"] as? String)
            let brandID = try #require(UUID(uuidString: id))
            try await db.execute(
                """
                UPDATE brand_insights SET customer_pain_points = ARRAY['Status meetings eat the week', 'Tools nobody updates'],
                    insight_sources = \(Self.websiteSources)::jsonb, reddit_customer_pain_points = \(Self.redditPains)::jsonb,
                    reddit_interesting_quotes = \(Self.redditQuotes)::jsonb, reddit_marketing_brief = 'People hate status chasing.'
                WHERE brand_id = \(brandID)
                """)

            let read = try await client.json(.get, "/api/v1/brands/\(id)/insights", token: token)
            #expect(read.status == .ok)
            let sources = try #require(read.body["sources"] as? [String: [[String: Any]]])
            let pains = try #require(sources["customer_pain_points"])
            #expect(pains.map { $0["text"] as? String } == ["Status meetings eat the week", "Tools nobody updates"])
            let first = try #require((pains[0]["sources"] as? [[String: Any]])?.first)
            #expect(first["url"] as? String == "https://acme.example/")
            #expect(first["sentence"] as? String == "Status meetings eat the week; Acme gives it back.")
            let reddit = try #require(read.body["reddit_customer_pain_points"] as? [[String: Any]])
            let receipts = try #require(reddit.first?["sources"] as? [[String: Any]])
            #expect(receipts.map { $0["permalink"] as? String } == ["https://www.reddit.com/r/projectmanagement/comments/abc/", "https://www.reddit.com/r/remotework/comments/def/"])
            #expect(receipts.map { $0["subreddit"] as? String } == ["projectmanagement", "remotework"])
            #expect(receipts.map { $0["score"] as? Int } == [120, 11])
            let quote = try #require((read.body["reddit_interesting_quotes"] as? [[String: Any]])?.first)
            #expect(quote["customer_quote"] as? Bool == true && quote["about"] as? String == "brand")
            #expect(read.body["reddit_marketing_brief"] as? String == "People hate status chasing.")
            #expect(read.body["reddit_customer_desires"] is NSNull)

            // One item reworded in place, one kept, one typed: the reworded keeps its receipt (marked
            // edited), the kept keeps its own, the typed has none; Reddit's lists are untouched.
            let edited = try await client.json(
                .patch, "/api/v1/brands/\(id)/insights",
                body: ["customer_pain_points": ["Status meetings eat the whole week", "Tools nobody updates", "Typed by the owner"]], token: token)
            #expect(edited.status == .ok)
            let after = try #require((edited.body["sources"] as? [String: [[String: Any]]])?["customer_pain_points"])
            let reworded = try #require((after[0]["sources"] as? [[String: Any]])?.first)
            #expect(after[0]["text"] as? String == "Status meetings eat the whole week")
            #expect(reworded["sentence"] as? String == "Status meetings eat the week; Acme gives it back." && reworded["edited"] as? Bool == true)
            #expect(((after[1]["sources"] as? [[String: Any]])?.first)?["url"] as? String == "https://acme.example/features")
            #expect((after[2]["sources"] as? [[String: Any]])?.isEmpty == true)
            #expect((edited.body["reddit_customer_pain_points"] as? [[String: Any]])?.count == 1)

            // And they persist: a second read shows the same.
            let again = try await client.json(.get, "/api/v1/brands/\(id)/insights", token: token)
            #expect(((again.body["sources"] as? [String: [[String: Any]]])?["customer_pain_points"])?.count == 3)
            let detail = try await client.json(.get, "/api/v1/brands/\(id)", token: token)
            #expect((detail.body["extraction_status"] as? [String: Any])?["reddit_status"] as? String == "pending")
        }
    }
}
