@testable import Brands
import Testing

/// Classes of font mistakes on real sites, each with a fixture page written in the style of the
/// sites where it happens (Sites/font-classes/).
@Suite struct FontClassesTests {
    func fonts(_ page: String) throws -> [String] {
        let site = GroundedClaimsTests.site([("/", try GroundedClaimsTests.fixture("font-classes", page))])
        return FontExtractor().extract(site).fonts.map(\.fontFamily)
    }

    @Test func iconFontsAreNeverTheBrandsAndAWebFontOutranksTheSystemBody() throws {
        // WordPress with Elementor: dashicons, Font Awesome and eicons everywhere, Arial for text.
        #expect(try fonts("wordpress-icon-fonts.html") == ["Cormorant Garamond", "Arial"])
    }

    @Test func aPreloadedWebFontIsFoundBehindASystemStack() throws {
        // Next.js: the body is a system stack through a variable, the brand face is preloaded.
        let found = try fonts("nextjs-preload.html")
        #expect(found == ["Satoshi"], "\(found)")
    }

    @Test func fileNamesOfFacesBecomeFamilyNames() throws {
        #expect(try fonts("camelcase-faces.html") == ["PayPal Sans", "Charles Modern"])
        #expect(FontExtractor.words(ofCamelCase: "SoDoSans") == "SoDo Sans")
        #expect(FontExtractor.words(ofCamelCase: "GTWalsheim") == "GT Walsheim")
        #expect(FontExtractor.words(ofCamelCase: "Inter") == "Inter")
        #expect(!FontExtractor.isIconFont("lexicon"))
        #expect(FontExtractor.isIconFont("material symbols outlined"))
    }
}
