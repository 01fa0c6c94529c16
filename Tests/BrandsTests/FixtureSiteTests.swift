import Brands
import Fetching
import Foundation
import Imaging
import TestSupport
import Testing

/// The brand kit of each fixture website, exactly.
@Suite struct FixtureSiteTests {
    @Test func saasSiteYieldsItsBrandColoursFontsLogoHeroAndInsights() async throws {
        try await extractFixture("saas") { kit, _ in
            #expect(kit.brand.name == "Flowdesk")
            #expect(kit.brand.language == "en")
            #expect(kit.brand.colors == ["#5B3DF5", "#FF7A59", "#F2F4F7", "#101828"])
            #expect(kit.brand.fonts == [.init(fontFamily: "Inter", count: 7), .init(fontFamily: "Poppins", count: 5), .init(fontFamily: "JetBrains Mono", count: 1)])
            #expect(kit.logoEvidence()?.source == "/generated/320x80/5b3df5.png")
            #expect(kit.logoEvidence()?.method == "home-link-img")
            #expect(kit.sources("hero") == ["/generated/1400x900/2d1b8f.png", "/generated/1200x630/5b3df5.png"])
            #expect(kit.sources("photos") == ["/generated/1200x800/4a2fd0.png"])
            #expect(kit.brand.heroPhotos?.count == 2)
            #expect(kit.brand.photos?.count == 1)
            for step in ExtractionStep.allCases where step != .reddit { #expect(kit.stepStatus(step) == .ok, "\(step)") }
            #expect(kit.stepStatus(.reddit) == .skipped, "no Reddit credentials in tests")
            #expect(kit.status.overall == "ok")

            // Re-hosted: the logo is a PNG of the original's size, photos are WEBP.
            let logo = try #require(try await kit.blob(kit.brand.logoURL))
            #expect(ImageCodec.kind(of: logo) == "png")
            let hero = try #require(try await kit.blob(kit.brand.heroPhotos?.first))
            #expect(ImageCodec.kind(of: hero) == "webp")

            let insights = kit.insights
            #expect(insights.productDescription == "Flowdesk is the project management tool that keeps remote teams in sync: plan sprints, track work and ship on time.")
            #expect(insights.uniqueValueProp == "Ship projects on time, from anywhere")
            #expect(insights.keyFeatures == ["Sprint planning with capacity", "Async stand-ups", "Timeline and dependencies", "Integrations with GitHub and Slack"])
            #expect(insights.keyBenefits == ["Plan sprints in minutes", "Keep everyone in the loop"])
            #expect(insights.insInterestingQuotes == [
                "Flowdesk cut our planning time in half and nobody misses the Monday status call.",
                "We finally know who is working on what without asking in Slack every hour.",
            ])
            #expect(insights.customerPainPoints?.first == "Tired of status meetings and scattered spreadsheets")
            #expect(insights.competitors == ["Asana"])
            #expect(insights.industry == "Software / SaaS")
            #expect(insights.insTriggerEvents == nil)
            #expect(kit.rawInsights["provider"] as? String == "offline")

            // The snapshot: home plus the product pages, stylesheets including the @import.
            #expect(kit.snapshot.pages.map(\.path) == ["/", "/features", "/pricing"])
            #expect(kit.snapshot.stylesheets.map { URL(string: $0.url)!.path } == ["/assets/site.css", "/assets/buttons.css"])
            #expect(kit.snapshot.manifest?.url == kit.site.url + "/site.webmanifest")
            #expect(kit.snapshot.errors.contains { $0.hasPrefix("https://fonts.googleapis.com/") && $0.hasSuffix(": host fonts.googleapis.com does not resolve") })
        }
    }

    @Test func shopSiteKeepsItsSerifAndProductPhotosAndSkipsUIIcons() async throws {
        try await extractFixture("shop") { kit, _ in
            #expect(kit.brand.name == "Kettle & Co.")
            #expect(kit.brand.language == "en-GB")
            #expect(kit.brand.colors == ["#C8553D", "#1F4D3A", "#E63946", "#FBF8F3", "#2B2B2B"])
            #expect(kit.brand.fonts == [.init(fontFamily: "Work Sans", count: 5), .init(fontFamily: "Kettle Serif", count: 4)])
            #expect(kit.logoEvidence()?.source == "/generated/400x120/1f4d3a.png")
            #expect(kit.sources("hero") == ["/generated/1200x630/1f4d3a.png", "/generated/1600x700/c8553d.png"])
            #expect(kit.sources("photos") == ["/generated/800x800/6b8f71.png", "/generated/800x800/a3b18a.png", "/generated/1000x700/7a5c3e.png"])
            #expect(kit.insights.industry == "E-commerce")
            #expect(kit.insights.insInterestingQuotes == ["The best breakfast tea I have found outside Yorkshire, and it arrives in two days."])
            #expect(kit.insights.keyBenefits == nil)
        }
    }

    @Test func inlineSVGLogoInTheHomeLinkIsKeptAsSVGAndRasterized() async throws {
        try await extractFixture("svg-logo") { kit, _ in
            #expect(kit.brand.name == "Orbitly")
            #expect(kit.logoEvidence()?.method == "inline-svg")
            #expect(kit.logoEvidence()?.source == "")  // the page URL itself
            #expect((kit.evidence["logo"] as? [String: Any])?["source_url"] as? String == kit.site.url)
            let logoURL = try #require(kit.brand.logoURL)
            #expect(logoURL.hasSuffix(".svg"))
            let svg = String(decoding: try #require(try await kit.blob(logoURL)), as: UTF8.self)
            #expect(svg.hasPrefix("<svg"))
            #expect(svg.contains("viewBox=\"0 0 132 32\""))
            #expect(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""))
            let png = try #require(try await kit.blob(String(logoURL.dropLast(4)) + ".png"))
            #expect(ImageCodec.kind(of: png) == "png")
            // Logo fills lead the palette; the burger icon's stroke is not a brand colour.
            #expect(kit.brand.colors == ["#E4572E", "#17BEBB", "#1B1B3A", "#FFFFFF"])
            // Hashed Next.js names cleaned, fallbacks dropped.
            #expect(kit.brand.fonts == [.init(fontFamily: "Space Grotesk", count: 3), .init(fontFamily: "Inter", count: 2)])
        }
    }

    @Test func logoWallsAreNotMistakenForTheBrandLogo() async throws {
        try await extractFixture("logo-wall") { kit, _ in
            #expect(kit.logoEvidence()?.source == "/generated/300x90/0f766e.png")
            #expect(kit.logoEvidence()?.method == "header-img")
            #expect(kit.brand.colors?.first == "#0F766E")
            #expect(kit.stepStatus(.hero) == .error)
            #expect(kit.error(.hero) == "no hero image or photo found on the site")
            #expect(kit.status.overall == "partial")
        }
    }

    @Test func aSiteWithOnlyJSONLDStillGetsALogoAndSaysWhatIsMissing() async throws {
        try await extractFixture("jsonld-only") { kit, _ in
            #expect(kit.brand.name == "Harbor Dental Clinic")
            #expect(kit.logoEvidence()?.source == "/generated/500x500/2a6f97.png")
            #expect(kit.logoEvidence()?.method == "json-ld")
            #expect(kit.stepStatus(.logo) == .ok)
            #expect(kit.error(.fonts) == "no font-family declarations or web fonts found on the site")
            #expect(kit.error(.colors) == "no colours found in the site's markup, stylesheets or manifest")
            #expect(kit.insights.targetCustomer == "the whole family")
        }
    }

    @Test func aLatin1GermanSiteIsDecodedAndKeepsItsLanguage() async throws {
        try await extractFixture("german") { kit, _ in
            #expect(kit.brand.language == "de-DE")
            #expect(kit.brand.name == "Brotzeit Bäckerei")
            #expect(kit.insights.productDescription == "Brotzeit backt seit 1987 Sauerteigbrot in München: täglich frisch, ohne Zusatzstoffe.")
            #expect(kit.brand.colors == ["#8C3B0C", "#D9A441"])
            #expect(kit.brand.fonts == [.init(fontFamily: "Source Serif Pro", count: 3)])
            #expect((kit.evidence["language"] as? [String: Any])?["source"] as? String == "html-lang")
            #expect(kit.insights.keyBenefits == ["Sauerteig mit 48 Stunden Ruhezeit", "Regionales Getreide aus Oberbayern"])
        }
    }

    @Test func redirectsAreFollowedToTheRealHomePage() async throws {
        try await extractFixture("redirect") { kit, _ in
            #expect(kit.snapshot.pages.first?.url == kit.site.url + "/en/")
            #expect(kit.brand.name == "Parcel Pilot")
            #expect(kit.brand.colors == ["#FFB000"])
            #expect(kit.logoEvidence()?.method == "home-link-img")
        }
    }

    @Test func oneExtractionDownloadsAtMostThreeImagesAtATime() async throws {
        try await extractFixture("gallery") { kit, _ in
            // The logo step and the hero step run at once; every image answers slowly, so
            // unbounded downloads would pile up on the site.
            let stats = kit.site.generatedImageStats()
            #expect(stats.requests >= 10)
            #expect(stats.maxInFlight <= 3)
            #expect(stats.maxInFlight >= 2)
            #expect(kit.logoEvidence()?.source == "/generated/300x90/3a5f8c.png")
            #expect((kit.brand.heroPhotos?.count ?? 0) + (kit.brand.photos?.count ?? 0) == stats.requests - 1)
        }
    }

    @Test func aHugePageIsCutAndASlowStylesheetIsSkippedWithoutLosingTheKit() async throws {
        try await extractFixture("huge") { kit, _ in
            #expect(kit.snapshot.pages.first?.truncated == true)
            #expect(kit.snapshot.pages.first?.html.utf8.count == FetchLimits.page.maximumBytes)
            #expect(kit.snapshot.errors.contains { $0.contains("/slow.css") && $0.contains("timed out") })
            #expect(kit.brand.fonts == [.init(fontFamily: "Barlow", count: 3)])
            #expect(kit.brand.colors == ["#2F4858", "#F26419"])
            #expect(kit.logoEvidence()?.source == "/generated/280x80/2f4858.png")
        }
    }
}
