import AsyncHTTPClient
import Brands
import Foundation
import Generation
import Logging
import Testing
import TestSupport

@Suite struct LLMCopyTests {
    static let answer = """
        {"headline": "Status meetings, gone", "subline": "Flowdesk keeps remote teams in sync", "cta": "Start free", "quote": null,
         "attribution": null, "comparison": null, "offer": null, "bottom_text": null}
        """

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
