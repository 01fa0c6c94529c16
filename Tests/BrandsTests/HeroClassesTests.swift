import Foundation
@testable import Brands
import Testing

/// Classes of hero-image mistakes on real sites, each with a fixture page written in the style of
/// the sites where it happens (Sites/hero-classes/).
@Suite struct HeroClassesTests {
    /// The page served as https://brand.example/.
    func extract(_ page: String) throws -> HeroExtractor.Result {
        let site = GroundedClaimsTests.site([("/", try GroundedClaimsTests.fixture("hero-classes", page))])
        return HeroExtractor().extract(site)
    }

    @Test func aNextJSImageIsUnwrappedAndLazyImagesAreReadFromTheirRealSource() throws {
        // Next.js: the first screen is main's first block, its image served through /_next/image;
        // below it, images whose src is a placeholder until a script swaps in data-src.
        let found = try extract("nextjs-lazy.html")
        #expect(found.hero.first?.sourceURL == "https://brand.example/images/crew-on-deck.jpg")
        #expect(found.hero.first?.method == "hero-img")
        #expect(found.hero.map(\.sourceURL).contains("https://tidewater.example/og/social-card.png"), "the social card stays a candidate")
        let photos = Set(found.photos.map(\.sourceURL))
        #expect(photos.isSuperset(of: ["https://brand.example/images/payslip-phone.jpg", "https://brand.example/images/pickers.jpg"]))
        let every = found.hero + found.photos
        #expect(!every.contains { $0.sourceURL.contains("_next/image") || $0.sourceURL.hasPrefix("data:") || $0.sourceURL.contains("placeholder") })
        #expect(!every.contains { $0.sourceURL.contains("wordmark") })
    }

    @Test func aPictureGivesItsWidestSourceAndALazyBackgroundIsAPhoto() throws {
        // WordPress cover block: a <picture> whose widest candidate is a <source>; further down a
        // section whose background a script applies from data-bg.
        let found = try extract("wordpress-picture.html")
        #expect(found.hero.first?.sourceURL == "https://brand.example/wp-content/uploads/2024/02/oak-table-2400.webp")
        #expect(found.hero.dropFirst().contains { $0.method == "og-image" })
        #expect(found.photos.contains { $0.sourceURL == "https://brand.example/wp-content/uploads/2024/01/workshop-bench.jpg" && $0.method == "lazy-background" })
        #expect(!(found.hero + found.photos).contains { $0.sourceURL.contains("logo") })
    }

    @Test func proxiesAreUnwrappedToTheImageTheyServe() throws {
        let next = try #require(URL(string: "https://a.example/_next/image?url=https%3A%2F%2Fcdn.example%2Fp%2Fhero.jpg&w=3840&q=75"))
        #expect(HeroExtractor.unwrapped(next).absoluteString == "https://cdn.example/p/hero.jpg")
        let cloudflare = try #require(URL(string: "https://a.example/cdn-cgi/image/width=1600,quality=80/uploads/hero.jpg"))
        #expect(HeroExtractor.unwrapped(cloudflare).absoluteString == "https://a.example/uploads/hero.jpg")
        let plain = try #require(URL(string: "https://a.example/images/hero.jpg?w=800"))
        #expect(HeroExtractor.unwrapped(plain) == plain)
    }
}
