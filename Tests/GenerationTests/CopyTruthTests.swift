@testable import Generation
import Brands
import Testing

/// Copy that says only what the brand's pages say, shortened where a reader would stop.
@Suite struct CopyTruthTests {
    @Test func aQuoteIsNeverShortenedAndATooLongOneIsNotUsed() {
        let long = String(repeating: "Flowdesk changed how our team plans every single sprint, ", count: 4)
        var insights = InsightFields()
        insights.grounded.testimonials = [.init(quote: long, attribution: "Ana, Contoso", source: "https://flowdesk.test/")]
        #expect(CopyWriter.missingGrounds(archetype: "testimonial", insights: insights, inputs: [:])?.field == "archetype_code")
        let fits = "We plan a sprint in twenty minutes now, not half a day, and nobody misses the old planning poker sessions at all."
        insights.grounded.testimonials.append(.init(quote: fits, attribution: "Maya Chen, Northwind", source: "https://flowdesk.test/"))
        #expect(CopyWriter.missingGrounds(archetype: "testimonial", insights: insights, inputs: [:]) == nil)
        for format in ["square", "landscape", "story"] {
            for seed: UInt64 in 0..<4 {
                let copy = CopyWriter().write(archetype: "testimonial", brandName: "Flowdesk", insights: insights, painPoints: [], inputs: [:], formatCode: format, seed: seed)
                #expect(copy.quote == fits, "\(format)")
                #expect(copy.headline == fits)
            }
        }
    }

    @Test func textIsShortenedAtAClauseOrAWholeWordWithoutAnEllipsis() {
        #expect(CopyWriter.clip("Plan sprints in minutes, ship on time from anywhere in the world", 40) == "Plan sprints in minutes")
        #expect(CopyWriter.clip("Invoices reconciled automatically. Payroll too, in every currency", 50) == "Invoices reconciled automatically.")
        let cut = CopyWriter.clip("The calmest way to organise the work of distributed teams and their", 48)
        #expect(cut == "The calmest way to organise the work")
        #expect(!cut.contains("…"))
        #expect(CopyWriter.clip("Short enough", 40) == "Short enough")
    }

    @Test func theBrandNameIsNotItsOwnTagline() {
        var insights = InsightFields()
        insights.customerPainPoints = ["Cold tea by noon"]
        insights.uniqueValueProp = "apple"
        insights.productDescription = "Kettles that keep water hot for hours."
        let copy = CopyWriter().write(archetype: "problem_solution", brandName: "Apple", insights: insights, painPoints: [], inputs: [:], formatCode: "square", seed: 0)
        #expect(copy.subline == "Kettles that keep water hot for hours.")
        #expect(CopyWriter.signed("Apple makes tea easy", by: "Apple") == "Apple makes tea easy")
        #expect(CopyWriter.signed("Tea made easy", by: "Apple") == "Apple: tea made easy")
    }
}
