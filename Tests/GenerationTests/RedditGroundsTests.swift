import Brands
@testable import Generation
import Reddit
import Testing

/// Reddit's pain points may be picked for an ad like the site's; its quotes may make a
/// testimonial only when they are a customer's words about this brand.
@Suite struct RedditGroundsTests {
    static func receipt(_ id: String) -> RedditReceipt {
        RedditReceipt(permalink: "https://www.reddit.com/r/Coffee/comments/\(id)/", subreddit: "Coffee", score: 40)
    }

    static var insights: InsightFields {
        var fields = InsightFields()
        fields.customerPainPoints = ["Grinders that clog"]
        fields.reddit.painPoints = [RedditInsightItem(text: "I hate how loud the Brewly is in the morning", mentions: 2, score: 57, sources: [receipt("a1")])]
        fields.reddit.quotes = [
            RedditInsightItem(text: "I switched to Brewly and never looked back.", mentions: 1, score: 80, sources: [receipt("a2")], about: .brand, customerQuote: true),
            RedditInsightItem(text: "My GrindMaster is the best thing I own.", mentions: 1, score: 60, sources: [receipt("a3")], about: .competitor, customerQuote: false),
        ]
        return fields
    }

    @Test func redditPainPointsAreAcceptedWithAutoInsights() {
        var request = CreateJobRequest(brandID: nil, archetypeCode: "problem_solution", formats: ["1:1"])
        request.selectedPainPoints = ["I hate how loud the Brewly is in the morning", "Grinders that clog"]
        var problems: [String: String] = [:]
        let (source, pains) = JobPlanner.painPoints(request, insights: Self.insights, problems: &problems)
        #expect(problems.isEmpty)
        #expect(source == .auto && pains.count == 2)

        request.selectedPainPoints = ["Something nobody said"]
        _ = JobPlanner.painPoints(request, insights: Self.insights, problems: &problems)
        #expect(problems["selected_pain_points"] != nil)
    }

    @Test func onlyTheBrandsCustomerQuoteCanBeATestimonial() {
        #expect(CopyWriter.missingGrounds(archetype: "testimonial", insights: Self.insights, inputs: [:]) == nil)
        #expect(CopyWriter.missingGrounds(archetype: "testimonial", insights: Self.insights, inputs: ["quote": "I switched to Brewly and never looked back."]) == nil)
        let competitor = CopyWriter.missingGrounds(archetype: "testimonial", insights: Self.insights, inputs: ["quote": "My GrindMaster is the best thing I own."])
        #expect(competitor?.field == "archetype_inputs.quote")
        var withoutCustomers = Self.insights
        withoutCustomers.reddit.quotes.removeFirst()
        #expect(CopyWriter.missingGrounds(archetype: "testimonial", insights: withoutCustomers, inputs: [:])?.field == "archetype_code")
        #expect(Self.insights.usableTestimonials.map(\.attribution) == ["a customer on r/Coffee"])
    }
}
