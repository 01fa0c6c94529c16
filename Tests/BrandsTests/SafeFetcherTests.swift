import Brands
import Foundation
import Testing
import TestSupport

/// The SSRF rules: private, loopback, link-local and metadata addresses are refused after DNS
/// resolution and on every redirect, unless explicitly allowed.
@Suite struct SafeFetcherTests {
    let strict = SafeFetcher(http: SafeFetcher.sharedHTTPClient, policy: AddressPolicy(allowPrivate: false))
    let open = SafeFetcher(http: SafeFetcher.sharedHTTPClient, policy: AddressPolicy(allowPrivate: true))

    func expectRefused(_ url: String, with fetcher: SafeFetcher? = nil) async {
        do {
            _ = try await (fetcher ?? strict).fetch(url, limits: .page)
            Issue.record("\(url) was fetched")
        } catch let error as FetchError {
            guard case .forbiddenAddress = error else { Issue.record("\(url): \(error)"); return }
        } catch {
            Issue.record("\(url): \(error)")
        }
    }

    @Test func privateLoopbackAndMetadataAddressesAreRefused() async throws {
        let site = try SiteTestServer(site: "saas")
        try await site.start()
        defer { site.stop() }
        await expectRefused("http://127.0.0.1:\(site.port)/")
        await expectRefused("http://[::1]:\(site.port)/")
        await expectRefused("http://169.254.169.254/latest/meta-data/")
        await expectRefused("http://10.1.2.3/")
        await expectRefused("http://192.168.0.10/")
        await expectRefused("http://0.0.0.0:\(site.port)/")
        // A hostname that resolves to loopback is checked after resolution.
        await expectRefused("http://localhost:\(site.port)/")
    }

    @Test func aPublicLookingSiteThatRedirectsToLoopbackIsRefusedAtTheRedirect() async throws {
        let publicSite = try SiteTestServer(site: "saas")
        let internalSite = try SiteTestServer(site: "shop")
        try await publicSite.start()
        try await internalSite.start()
        defer { publicSite.stop(); internalSite.stop() }
        // The first server stands in for a public site; the one it redirects to is loopback.
        let fetcher = SafeFetcher(http: SafeFetcher.sharedHTTPClient, policy: AddressPolicy(allowPrivate: false, exemptEndpoints: ["127.0.0.1:\(publicSite.port)"]))
        let home = try await fetcher.fetch(publicSite.url + "/", limits: .page)
        #expect(home.status == 200)
        await expectRefused(publicSite.url + "/_redirect?to=http://127.0.0.1:\(internalSite.port)/", with: fetcher)
        await expectRefused(publicSite.url + "/_redirect?to=http://169.254.169.254/", with: fetcher)
    }

    @Test func allowingPrivateAddressesLetsTestsReachLoopbackSites() async throws {
        let site = try SiteTestServer(site: "saas")
        try await site.start()
        defer { site.stop() }
        let page = try await open.fetch("http://localhost:\(site.port)/", limits: .page)
        #expect(page.mediaType == "text/html")
        #expect(String(decoding: page.body, as: UTF8.self).contains("Flowdesk"))
    }

    @Test func brotliAndGzipResponsesAreDecoded() async throws {
        let brotliSite = try SiteTestServer(site: "shop")
        let gzipSite = try SiteTestServer(site: "svg-logo")
        try await brotliSite.start()
        try await gzipSite.start()
        defer { brotliSite.stop(); gzipSite.stop() }
        let shop = try await open.fetch(brotliSite.url + "/", limits: .page)
        #expect(String(decoding: shop.body, as: UTF8.self).contains("Tea worth slowing down for"))
        let orbitly = try await open.fetch(gzipSite.url + "/", limits: .page)
        #expect(String(decoding: orbitly.body, as: UTF8.self).contains("Answers from your product data"))
    }

    @Test func redirectLoopsSizesAndContentTypesAreBounded() async throws {
        let site = try SiteTestServer(site: "saas")
        try await site.start()
        defer { site.stop() }
        var chain = site.url + "/"
        for _ in 0..<6 { chain = site.url + "/_redirect?to=" + chain.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        await #expect(throws: FetchError.tooManyRedirects(chain)) { try await open.fetch(chain, limits: .page) }

        let small = FetchLimits(timeout: .seconds(5), maximumBytes: 1000, acceptedTypes: ["text/html"])
        await #expect(throws: FetchError.tooLarge(url: site.url + "/", limit: 1000)) { try await open.fetch(site.url + "/", limits: small) }
        await #expect(throws: FetchError.unexpectedContentType("text/html", url: site.url + "/")) { try await open.fetch(site.url + "/", limits: .image) }
        await #expect(throws: FetchError.unsupportedScheme("file:///etc/passwd")) { try await open.fetch("file:///etc/passwd", limits: .page) }
    }

    @Test(arguments: [
        ("8.8.8.8", true), ("93.184.216.34", true), ("2606:4700::1111", true),
        ("127.0.0.1", false), ("10.0.0.1", false), ("172.16.5.4", false), ("192.168.1.1", false), ("169.254.169.254", false),
        ("100.64.0.1", false), ("0.0.0.0", false), ("224.0.0.1", false), ("255.255.255.255", false), ("::1", false), ("::", false),
        ("fe80::1", false), ("fd00::1", false), ("ff02::1", false), ("::ffff:127.0.0.1", false), ("::ffff:8.8.8.8", true),
    ])
    func addressClassification(_ address: String, _ isPublic: Bool) {
        #expect(AddressPolicy.isPublic(address) == isPublic)
    }
}
