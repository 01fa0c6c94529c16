import AsyncHTTPClient
import Brands
import Foundation
import Generation
import LLM
import Logging
import TestSupport
import Testing

@Suite struct LLMCopyTests {
    static let answer = """
        {"headline": "Status meetings, gone", "subline": "Flowdesk keeps remote teams in sync", "cta": "Start free", "quote": null,
         "headline_source": "Status meetings", "subline_source": "Ship projects on time",
         "attribution": null, "comparison": null, "offer": null, "bottom_text": null}
        """

    /// A model that makes things up: a claim with no source in the facts, a quote and an offer.
    static let inventive = """
        {"headline": "Rated #1 by 10,000 teams", "subline": "Flowdesk keeps remote teams in sync", "cta": "Start free",
         "headline_source": "Voted the best tool of 2026", "subline_source": null,
         "quote": "Best tool ever!", "attribution": "A happy customer", "comparison": null, "offer": "50% off today", "bottom_text": null}
        """

    @Test func claimsWithoutASourceInTheFactsAndInventedQuotesOrOffersAreDropped() async throws {
        let server = try LLMTestServer(answer: Self.inventive)
        try await server.start()
        defer { server.stop() }
        var insights = InsightFields()
        insights.uniqueValueProp = "Ship projects on time"
        for archetype in ["value_proposition", "testimonial", "promotion_offer"] {
            let copy = await writer(server).write(
                archetype: archetype, brandName: "Flowdesk", insights: insights, painPoints: [], inputs: [:], formatCode: "square",
                seed: 1, logger: Logger(label: "test"))
            #expect(copy.headline != "Rated #1 by 10,000 teams", "\(archetype)")
            #expect(copy.subline != "Flowdesk keeps remote teams in sync", "\(archetype)")
            #expect(copy.quote == nil && copy.attribution == nil && copy.offer == nil, "\(archetype)")
        }
    }

    func writer(_ server: LLMTestServer, attempts: Int = 3) -> LLMCopyWriter {
        var settings = LLMSettings(baseURL: server.baseURL, apiKey: "test-key", model: "gpt-copy")
        settings.maxAttempts = attempts
        return LLMCopyWriter(client: OpenAICompatibleClient(settings: settings, http: .shared, logger: Logger(label: "test")))
    }

    @Test func theModelWritesTheCopyWithinTheFormatsLimits() async throws {
        let server = try LLMTestServer(answer: Self.answer)
        try await server.start()
        defer { server.stop() }
        var insights = InsightFields()
        insights.uniqueValueProp = "Ship projects on time"
        let copy = await writer(server).write(
            archetype: "value_proposition", brandName: "Flowdesk", insights: insights, painPoints: ["Status meetings"], inputs: [:], formatCode: "story",
            seed: 1, logger: Logger(label: "test"))
        #expect(copy.headline == "Status meetings, gone")
        #expect(copy.cta == "Start free")
        let body = try #require(server.requests().last?["body"] as? [String: Any])
        let format = try #require(body["response_format"] as? [String: Any])
        #expect((format["json_schema"] as? [String: Any])?["name"] as? String == "ad_copy")
        let user = try #require((body["messages"] as? [[String: String]])?.last?["content"])
        #expect(user.contains("headline ≤ 70 characters"))
        #expect(user.contains("<brand_facts>"))
    }

    @Test func aFailingModelFallsBackToTheTemplates() async throws {
        let server = try LLMTestServer(answer: Self.answer, failFirst: 10)
        try await server.start()
        defer { server.stop() }
        let copy = await writer(server, attempts: 1).write(
            archetype: "meme", brandName: "Flowdesk", insights: nil, painPoints: [], inputs: [:], formatCode: "square", seed: 0, logger: Logger(label: "test"))
        #expect(copy.bottomText == "Me after Flowdesk")
    }
}
