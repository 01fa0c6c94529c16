import Brands
import Core
import Foundation
import Generation
import Imaging
import Testing

/// A brand kit made from SVG drawings, so tests need no binary fixtures.
enum TestKit {
    static func png(_ svg: String, width: Int, height: Int) throws -> Data {
        try ImageCodec.reencodeNow(Data(svg.utf8), width: width, height: height)
    }

    static func photo() throws -> Data {
        try png(
            """
            <svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1000"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">\
            <stop offset="0" stop-color="#1F4D3A"/><stop offset="1" stop-color="#E9C46A"/></linearGradient></defs>\
            <rect width="1600" height="1000" fill="url(#g)"/><circle cx="1000" cy="480" r="260" fill="#F4A261"/></svg>
            """, width: 1600, height: 1000)
    }

    static func logo(color: String = "#1F4D3A", width: Int = 400, height: Int = 120) throws -> Data {
        try png(
            """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)"><rect x="0" y="0" width="\(height)" height="\(height)" rx="20" fill="\(color)"/>\
            <rect x="\(height + 20)" y="\(height / 3)" width="\(width - height - 40)" height="\(height / 3)" fill="\(color)"/></svg>
            """, width: width, height: height)
    }

    static func kit(colors: [String] = ["#2A9D8F", "#E76F51", "#264653"], logo: Data? = nil, photos: [Data]? = nil) throws -> BrandKit {
        BrandKit(name: "Kettle & Co.", colors: colors, fonts: ["Inter"], logo: try logo ?? Self.logo(), photos: try photos ?? [Self.photo()])
    }

    static let copy = AdCopy(
        headline: "Tea worth slowing down for", subline: "Whole-leaf blends, packed the week they ship.", cta: "Shop now",
        quote: "The best breakfast tea I have found outside Yorkshire.", attribution: "Sarah, Leeds", comparison: "Kettle & Co. vs supermarket bags",
        offer: "20% off your first tin", bottomText: "Me after Kettle & Co.")
}

extension ImageCodec {
    /// Synchronous helper for tests: an SVG drawn to a PNG of exactly this size.
    static func reencodeNow(_ data: Data, width: Int, height: Int) throws -> Data {
        try RasterImage.fit(data, width: width, height: height, upscale: true).encoded(as: .png)
    }
}

@Suite struct RendererTests {
    static let archetypes = ["problem_solution", "testimonial", "competitor_comparison", "promotion_offer", "value_proposition", "meme"]

    @Test(arguments: archetypes)
    func everyFormatHasItsSizeAndPassesPreflight(_ archetype: String) async throws {
        let kit = try TestKit.kit()
        for format in AdFormat.all {
            let ad = try await BuiltinRenderer().render(RenderRequest(archetype: archetype, format: format, kit: kit, copy: TestKit.copy, seed: 3))
            #expect(ad.width == format.width && ad.height == format.height, "\(archetype) \(format.code)")
            #expect(ImageCodec.kind(of: ad.data) == "webp")
            #expect(ad.preflight.passed, "\(archetype) \(format.code): \(ad.preflight.problems)")
            #expect(ad.preflight.minimumContrast >= 4.5)
            #expect(ad.preflight.safeZones)
        }
    }

    @Test func theSameInputsAndSeedGiveTheSameBytes() async throws {
        let kit = try TestKit.kit()
        let request = RenderRequest(archetype: "testimonial", format: .story, kit: kit, copy: TestKit.copy, seed: 42)
        let first = try await BuiltinRenderer().render(request)
        let second = try await BuiltinRenderer().render(request)
        #expect(first.data == second.data)
        var png = request
        png.output = .png
        #expect(ImageCodec.kind(of: try await BuiltinRenderer().render(png).data) == "png")
    }

    @Test func seedsChooseBetweenTwoDifferentTemplates() async throws {
        let kit = try TestKit.kit()
        var templates: Set<AdTemplate> = []
        var images: Set<Data> = []
        for seed in UInt64(0)..<2 {
            let ad = try await BuiltinRenderer().render(RenderRequest(archetype: "value_proposition", format: .square, kit: kit, copy: TestKit.copy, seed: seed))
            templates.insert(ad.template)
            images.insert(ad.data)
        }
        #expect(templates == [.split, .poster])
        #expect(images.count == 2)
    }

    @Test func aVeryLongHeadlineIsShrunkOrShortenedNeverCut() async throws {
        var copy = TestKit.copy
        copy.headline = String(repeating: "Remarkably long headline words that keep going ", count: 8)
        for format in [AdFormat.landscape, .story] {
            let ad = try await BuiltinRenderer().render(RenderRequest(archetype: "problem_solution", format: format, kit: try TestKit.kit(), copy: copy, seed: 1))
            #expect(ad.preflight.textFits)
            #expect(ad.preflight.passed, "\(format.code): \(ad.preflight.problems)")
        }
    }

    @Test func aLightLogoOnALightBrandGetsAChipAndStaysLegible() async throws {
        let kit = try TestKit.kit(colors: ["#F7F7F2", "#EDEDE6"], logo: TestKit.logo(color: "#FFFFFF"))
        let ad = try await BuiltinRenderer().render(RenderRequest(archetype: "value_proposition", format: .square, kit: kit, copy: TestKit.copy, seed: 1))
        #expect(ad.preflight.logoPresent)
        #expect(ad.preflight.logoLegible)
        #expect(ad.preflight.passed, "\(ad.preflight.problems)")
    }

    @Test func aTinyLogoIsReplacedByTheBrandName() async throws {
        let kit = try TestKit.kit(logo: TestKit.logo(width: 16, height: 16))
        let ad = try await BuiltinRenderer().render(RenderRequest(archetype: "promotion_offer", format: .portrait, kit: kit, copy: TestKit.copy, seed: 0))
        #expect(ad.preflight.logoPresent)
        #expect(ad.preflight.logoLegible)
        #expect(ad.preflight.passed)
    }

    @Test func aBrandWithoutPhotosOrLogoStillGetsAnAd() async throws {
        let kit = BrandKit(name: "Plain", colors: [], fonts: [], logo: nil, photos: [])
        let ad = try await BuiltinRenderer().render(RenderRequest(archetype: "meme", format: .square, kit: kit, copy: TestKit.copy, seed: 0))
        #expect(ad.preflight.passed)
    }

    @Test func copyTemplatesFollowTheArchetypeAndTheFormatLimits() {
        var insights = InsightFields()
        insights.customerPainPoints = ["Status meetings eat the week"]
        insights.uniqueValueProp = "Ship projects on time, from anywhere"
        insights.competitors = ["Asana"]
        insights.insInterestingQuotes = ["Flowdesk cut our planning time in half"]
        insights.grounded.testimonials = [.init(quote: "Flowdesk cut our planning time in half", attribution: "Maya Chen, Northwind", source: "https://flowdesk.test/")]
        let writer = CopyWriter()
        let problem = writer.write(archetype: "problem_solution", brandName: "Flowdesk", insights: insights, painPoints: [], inputs: [:], formatCode: "square", seed: 0)
        #expect(problem.headline == "Tired of status meetings eat the week?")
        let quote = writer.write(archetype: "testimonial", brandName: "Flowdesk", insights: insights, painPoints: [], inputs: [:], formatCode: "square", seed: 0)
        #expect(quote.quote == "Flowdesk cut our planning time in half")
        #expect(quote.attribution == "Maya Chen, Northwind")
        let versus = writer.write(archetype: "competitor_comparison", brandName: "Flowdesk", insights: insights, painPoints: [], inputs: [:], formatCode: "square", seed: 0)
        #expect(versus.comparison == "Flowdesk vs Asana")
        let offer = writer.write(archetype: "promotion_offer", brandName: "Flowdesk", insights: insights, painPoints: [], inputs: ["offer": "2 months free"], formatCode: "square", seed: 0)
        #expect(offer.offer == "2 months free")
        let long = writer.write(
            archetype: "value_proposition", brandName: "Flowdesk", insights: nil, painPoints: [], inputs: [:], formatCode: "landscape", seed: 0)
        #expect(long.headline.count <= CopyWriter.Limits.for(formatCode: "landscape").headline)
    }

    @Test func testimonialsAndOffersAreNeverInvented() {
        var insights = InsightFields()
        insights.uniqueValueProp = "Ship projects on time"
        insights.insInterestingQuotes = ["An unattributed line from the page"]
        let writer = CopyWriter()
        #expect(CopyWriter.missingGrounds(archetype: "testimonial", insights: insights, inputs: [:])?.field == "archetype_code")
        #expect(CopyWriter.missingGrounds(archetype: "promotion_offer", insights: insights, inputs: [:])?.field == "archetype_inputs.offer")
        #expect(CopyWriter.missingGrounds(archetype: "promotion_offer", insights: insights, inputs: ["offer": "20% off in May"]) == nil)
        #expect(CopyWriter.missingGrounds(archetype: "value_proposition", insights: insights, inputs: [:]) == nil)
        for seed: UInt64 in 0..<8 {
            let testimonial = writer.write(archetype: "testimonial", brandName: "Flowdesk", insights: insights, painPoints: [], inputs: [:], formatCode: "square", seed: seed)
            #expect(testimonial.quote == nil && testimonial.attribution == nil)
            #expect(!testimonial.headline.contains("customer"))
            let promotion = writer.write(archetype: "promotion_offer", brandName: "Flowdesk", insights: insights, painPoints: [], inputs: [:], formatCode: "square", seed: seed)
            #expect(promotion.offer == nil)
            #expect(promotion.cta != "Claim offer")
        }
        insights.grounded.testimonials = [.init(quote: "We ship twice as often now", attribution: "Ana, Contoso", source: "https://flowdesk.test/")]
        #expect(CopyWriter.missingGrounds(archetype: "testimonial", insights: insights, inputs: ["quote": "Words the user made up"])?.field == "archetype_inputs.quote")
        #expect(CopyWriter.missingGrounds(archetype: "testimonial", insights: insights, inputs: ["quote": "We ship twice as often now"]) == nil)
    }
}
