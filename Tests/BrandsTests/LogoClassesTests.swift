@testable import Brands
import Testing

/// Classes of logo mistakes on real sites, each with a fixture page written in the style of the
/// sites where it happens (Sites/logo-classes/).
@Suite struct LogoClassesTests {
    func candidates(_ page: String) throws -> [ImageEvidence] {
        let site = GroundedClaimsTests.site([("/", try GroundedClaimsTests.fixture("logo-classes", page))])
        return LogoExtractor().candidates(site, siteName: nil).map(\.evidence)
    }

    @Test func aHomeLinkDrawnByCSSIsTheLogoAndATrackingPixelIsNot() throws {
        // Drupal theme: the logo is the home link's background; a 1×1 pixel says "logo" in its URL.
        let found = try candidates("drupal-css-logo.html")
        #expect(found.first?.sourceURL == "https://brand.example/themes/custom/alderbrook/images/alderbrook-logo.svg")
        #expect(found.first?.method == "css-background")
        #expect(!found.contains { $0.sourceURL.contains("pixel") || $0.sourceURL.contains("partners") || $0.sourceURL.contains("hero") })
    }

    @Test func withoutALogoOnThePageTheIconsFollowTheirStatedOrder() throws {
        let found = try candidates("icon-fallbacks.html")
        #expect(found.map(\.method) == ["mask-icon", "apple-touch-icon", "og-logo", "favicon"])
        #expect(found[1].sourceURL.hasSuffix("/touch-180.png"))
        #expect(found[3].sourceURL.hasSuffix("/favicon-96.png"))
        #expect(!found.contains { $0.sourceURL.contains("spacer") })
    }

    @Test func selectorsNameWholeClasses() {
        #expect(LogoExtractor.selector("#header .site-branding__logo", names: [".site-branding__logo"]))
        #expect(LogoExtractor.selector("a.logo:hover, .x", names: [".logo"]))
        #expect(!LogoExtractor.selector(".logo-wall li", names: [".logo"]))
        #expect(!LogoExtractor.selector(".logo .icon", names: [".logo"]))
    }
}
