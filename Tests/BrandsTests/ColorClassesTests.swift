@testable import Brands
import Testing

/// Classes of colour mistakes on real sites, each with a fixture page written in the style of the
/// sites where it happens (Sites/color-classes/).
@Suite struct ColorClassesTests {
    func colors(_ page: String) throws -> [String] {
        let site = GroundedClaimsTests.site([("/", try GroundedClaimsTests.fixture("color-classes", page))])
        return ColorExtractor().extract(site, logoSVG: nil).colors
    }

    @Test func wordPressCorePresetsAreNotTheBrandButTheThemesOwnPresetIs() throws {
        let found = try colors("wordpress-presets.html")
        #expect(found.first == "#2F5D50")
        for preset in ["#CF2E2E", "#FF6900", "#0693E3", "#9B51E0", "#E8F0EE"] { #expect(!found.contains(preset), "\(preset)") }
    }

    @Test func chatAndCookieWidgetsAndStateVariablesAreNotTheBrand() throws {
        let found = try colors("widget-colours.html")
        #expect(found.first == "#C2410C")
        for foreign in ["#1863DC", "#0E7C86", "#7DD3FC", "#A855F7", "#94A3B8"] { #expect(!found.contains(foreign), "\(foreign)") }
    }
}
