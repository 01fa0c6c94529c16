@testable import Brands
import Foundation
import Reddit
import Testing

/// The offline clustering on a hand-made harvest (Fixtures/reddit_harvest.json: a coffee grinder
/// brand, Brewly; a competitor, GrindMaster; the category). Every expectation below was worked
/// out by hand from the rules in `RedditClustering`.
@Suite struct RedditClusteringTests {
    static func fixture() throws -> RedditHarvest {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/reddit_harvest.json")
        return try RedditHarvest.decoder.decode(RedditHarvest.self, from: Data(contentsOf: url))
    }

    static func ids(_ item: RedditInsightItem) -> [String] {
        item.sources.map { $0.permalink.replacingOccurrences(of: "https://www.reddit.com/r/", with: "") }
    }

    @Test func desiresClusterTheHopperWishesAcrossPostsAndRankByRecurrence() throws {
        let insights = RedditClustering(brandName: "Brewly", competitors: ["GrindMaster"]).cluster(try Self.fixture())
        #expect(insights.desires.map(\.text) == ["I wish the hopper held more beans", "Looking for a quiet coffee grinder"])
        #expect(insights.desires.map(\.mentions) == [3, 1])
        #expect(insights.desires.map(\.score) == [158, 40])
        #expect(Self.ids(insights.desires[0]) == ["Coffee/comments/a1/", "Coffee/comments/pc2/comment/c2/", "BuyItForLife/comments/pc5/comment/c5/"])
        #expect(insights.desires[0].sources.map(\.score) == [120, 30, 8])
    }

    @Test func painPointsGroupTheNoiseComplaintsAndKeepTheCompetitorsApart() throws {
        let insights = RedditClustering(brandName: "Brewly", competitors: ["GrindMaster"]).cluster(try Self.fixture())
        #expect(insights.painPoints.map(\.text) == [
            "I hate how loud the Brewly is in the morning", "GrindMaster stopped working after a year", "Too expensive for what it is",
            "Brewly's app is annoying, it asks me to log in every week",
        ])
        #expect(insights.painPoints.map(\.mentions) == [2, 1, 1, 1])
        #expect(insights.painPoints.map(\.score) == [57, 60, 60, 5])
        #expect(Self.ids(insights.painPoints[0]) == ["Coffee/comments/pc1/comment/c1/", "espresso/comments/pc3/comment/c3/"])
        #expect(insights.painPoints[0].sources.map(\.subreddit) == ["Coffee", "espresso"])
    }

    @Test func purchaseTriggersAreTheBuyingSentences() throws {
        let insights = RedditClustering(brandName: "Brewly", competitors: ["GrindMaster"]).cluster(try Self.fixture())
        #expect(insights.purchaseTriggers.map(\.text) == [
            "I finally bought the Brewly after my old burr grinder died",
            "I switched to Brewly because the app remembers my grind settings for each bean",
            "Switched to Brewly from a blade grinder",
            "I finally bought a new grinder because support never answered my emails",
        ])
        #expect(insights.purchaseTriggers.allSatisfy { $0.sources.count == 1 && $0.mentions == 1 })
    }

    @Test func onlyFirstHandPraiseOfTheBrandIsACustomerQuote() throws {
        let quotes = RedditClustering(brandName: "Brewly", competitors: ["GrindMaster"]).cluster(try Self.fixture()).quotes
        #expect(quotes.count == 8)
        #expect(quotes.map(\.score) == [120, 80, 60, 45, 40, 30, 25, 12])
        let customer = quotes.filter { $0.customerQuote == true }.map(\.text)
        #expect(customer == [
            "I finally bought the Brewly after my old burr grinder died.",
            "I switched to Brewly because the app remembers my grind settings for each bean.",
        ])
        // The competitor's customer, a complaint and a bystander are quotes but never testimonials.
        #expect(quotes[2].about == .competitor && quotes[2].customerQuote == false)
        #expect(quotes[3].text == "I hate how loud the Brewly is in the morning." && quotes[3].customerQuote == false)
        #expect(quotes[4].about == .category && quotes[4].customerQuote == false)
        #expect(quotes.allSatisfy { $0.sources.count == 1 })
    }

    @Test func theBriefSummarisesTheTopOfEachList() throws {
        let insights = RedditClustering(brandName: "Brewly", competitors: ["GrindMaster"]).cluster(try Self.fixture())
        #expect(insights.marketingBrief == """
            From 10 Reddit posts and comments in r/Coffee, r/BuyItForLife, r/espresso: people want: "I wish the hopper held more beans" (3×); \
            the main complaint: "I hate how loud the Brewly is in the morning" (2×); what made people buy: \
            "I finally bought the Brewly after my old burr grinder died" (1×).
            """)
    }

    @Test func anEmptyHarvestGivesEmptyListsAndNoBrief() {
        let insights = RedditClustering(brandName: "Brewly", competitors: []).cluster(RedditHarvest(terms: [SearchTerm("Brewly", about: .brand)], items: []))
        #expect(insights == RedditInsights())
    }

    @Test func customerQuotesBecomeTestimonialsWithTheirPermalink() throws {
        var fields = InsightFields()
        fields.reddit = RedditClustering(brandName: "Brewly", competitors: ["GrindMaster"]).cluster(try Self.fixture())
        #expect(fields.usableTestimonials.map(\.quote) == fields.reddit.quotes.filter { $0.customerQuote == true }.map(\.text))
        #expect(fields.usableTestimonials.first?.source == "https://www.reddit.com/r/Coffee/comments/a1/")
        #expect(fields.selectablePainPoints.contains("Too expensive for what it is"))
    }

    @Test func onlyFirstHandUseMakesACustomer() {
        #expect(RedditMarkers.isOwnership("I use my Brewly every morning", brandName: "Brewly"))
        #expect(RedditMarkers.isOwnership("We switched last year and never looked back", brandName: "Brewly"))
        #expect(!RedditMarkers.isOwnership("I used to have a Brewly before it broke", brandName: "Brewly"))
        #expect(!RedditMarkers.isOwnership("Is anyone using a Brewly?", brandName: "Brewly"))
    }
}
