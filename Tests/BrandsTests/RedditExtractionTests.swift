import AsyncHTTPClient
import Brands
import Foundation
import Logging
import Reddit
import Storage
import Testing
import TestSupport

/// The reddit step inside the extraction pipeline, on the saas fixture site (Flowdesk).
@Suite struct RedditExtractionTests {
    @Test func withoutCredentialsTheStepIsSkippedWithItsReason() async throws {
        try await extractFixture("saas") { kit, _ in
            #expect(kit.stepStatus(.reddit) == .skipped)
            #expect(kit.error(.reddit) == "Reddit is not configured (set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET)")
            // Skipping is not failing: the saas site still extracts completely.
            #expect(kit.status.overall == "ok")
            #expect(kit.detail.insights?.fields.reddit == RedditInsights())
        }
    }

    static var flowdesk: [String: Any] { [
        "search": [
            "flowdesk": [[
                RedditListings.post("f1", title: "Flowdesk for a remote team of 12", text: "We switched to Flowdesk after our standups got out of hand. I wish the mobile app had offline mode.", subreddit: "projectmanagement", score: 64),
                RedditListings.post("f2", title: "Anyone else hate the Flowdesk notifications?", text: "I hate how many notification emails Flowdesk sends.", subreddit: "remotework", score: 21),
            ]],
        ],
        "comments": [
            "f1": [RedditListings.comment("k1", post: "f1", body: "Same, I wish the mobile app worked offline on flights.", subreddit: "projectmanagement", score: 9)],
        ],
    ] }

    @Test func withCredentialsTheHarvestIsStoredAndEveryItemCitesItsPosts() async throws {
        let server = try RedditTestServer(content: Self.flowdesk)
        try await server.start()
        defer { server.stop() }
        let settings = RedditSettings(clientID: "test-id", clientSecret: "test-secret", authBase: server.baseURL, apiBase: server.baseURL, productBaseURL: "https://app.blumpo.test")
        let reddit = RedditClient(settings: settings, http: .shared, logger: Logger(label: "reddit-test"))
        try await extractFixture("saas", reddit: reddit) { kit, _ in
            #expect(kit.stepStatus(.reddit) == .ok, "\(kit.error(.reddit) ?? "")")
            let mined = try #require(kit.detail.insights?.fields.reddit)
            #expect(mined.desires.first?.text == "I wish the mobile app had offline mode")
            #expect(mined.desires.first?.mentions == 2)
            #expect(mined.desires.first?.sources.map(\.permalink) == [
                "https://www.reddit.com/r/projectmanagement/comments/f1/slug/", "https://www.reddit.com/r/projectmanagement/comments/f1/slug/k1/",
            ])
            #expect(mined.painPoints.map(\.text).contains("I hate how many notification emails Flowdesk sends"))
            #expect(mined.purchaseTriggers.first?.sources.first?.subreddit == "projectmanagement")
            #expect([mined.desires, mined.painPoints, mined.purchaseTriggers, mined.quotes].joined().allSatisfy { !$0.sources.isEmpty })
            #expect(mined.marketingBrief?.hasPrefix("From 3 Reddit posts and comments in r/projectmanagement, r/remotework") == true)

            // The raw harvest is the brand's Reddit snapshot, and the evidence says where it is.
            let stored = try #require(try await kit.blobs.get(try .redditHarvest(brandID: kit.brand.id)))
            let harvest = try RedditHarvest.decoder.decode(RedditHarvest.self, from: stored)
            #expect(harvest.items.count == 3 && harvest.terms.first == SearchTerm("Flowdesk", about: .brand))
            let evidence = try #require(kit.evidence["reddit"] as? [String: Any])
            #expect(evidence["method"] as? String == "offline")
            #expect(evidence["items"] as? Int == 3)
            #expect((evidence["snapshot_url"] as? String)?.hasSuffix("/reddit_harvest.json") == true)
        }
    }

    @Test func websiteInsightsCarryThePageAndSentenceTheyCameFrom() async throws {
        try await extractFixture("saas") { kit, _ in
            let record = try #require(kit.detail.insights)
            let aligned = record.receipts.aligned(with: record.fields)
            let promise = try #require(aligned.fields["unique_value_prop"]?.first)
            #expect(promise.text == record.fields.uniqueValueProp)
            let receipt = try #require(promise.sources.first)
            #expect(receipt.url.hasPrefix(kit.site.url))
            #expect(receipt.sentence.lowercased().contains(promise.text.lowercased().trimmingCharacters(in: .punctuationCharacters)))
            // Every list item found on the pages has at least one receipt.
            let features = try #require(aligned.fields["key_features"])
            #expect(!features.isEmpty && features.allSatisfy { !$0.sources.isEmpty })
        }
    }
}
