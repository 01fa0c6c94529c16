import Brands
import Fetching
import Foundation
import NIOSSL
import TestSupport
import Testing

/// The SSRF rules: private, loopback, link-local and metadata addresses are refused after DNS
/// resolution and on every redirect, unless explicitly allowed. Every policy here is
/// loopback-only, so no test asks DNS or reaches past this machine.
@Suite struct SafeFetcherTests {
    let strict = SafeFetcher(http: SafeFetcher.sharedHTTPClient, policy: AddressPolicy(allowPrivate: false, network: .loopbackOnly()))
    let open = SafeFetcher(http: SafeFetcher.sharedHTTPClient, policy: AddressPolicy(allowPrivate: true, network: .loopbackOnly()))

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
        let fetcher = SafeFetcher(http: SafeFetcher.sharedHTTPClient, policy: AddressPolicy(allowPrivate: false, exemptEndpoints: ["127.0.0.1:\(publicSite.port)"], network: .loopbackOnly()))
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

    /// IPv6 forms that are not global, or that carry traffic to an IPv4 address of their own.
    @Test(arguments: [
        ("::a00:1", false), ("::7f00:1", false), ("::808:808", false),  // ::/96 IPv4-compatible, refused whole
        ("::ffff:0:a00:1", false),  // ::ffff:0:0/96 IPv4-translated
        ("fec0::1", false), ("feff:ffff::1", false),  // fec0::/10 site-local
        ("64:ff9b:1::a00:1", false), ("64:ff9b:1::808:808", false),  // 64:ff9b:1::/48 local-use NAT64
        ("64:ff9b::a9fe:a9fe", false), ("64:ff9b::10.1.2.3", false), ("64:ff9b::7f00:1", false),  // NAT64 to private IPv4
        ("64:ff9b::808:808", true), ("64:ff9b:0:1::808:808", false),  // NAT64 to public IPv4; outside the /96
        ("2002:a00:1::1", false), ("2002:c0a8:101::1", false), ("2002:a9fe:a9fe::1", false),  // 6to4 of private IPv4
        ("2002:808:808::1", true),  // 6to4 of a public IPv4
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", false), ("2001::1", false),  // Teredo 2001::/32
        ("2001:2::1", false), ("2001:db8::1", false), ("3fff::1", false), ("100::1", false), ("4000::1", false),
        ("2a00:1450:4001:80b::200e", true),
    ])
    func ipv6RangesThatReachPrivateSpaceAreRefused(_ address: String, _ isPublic: Bool) {
        #expect(AddressPolicy.isPublic(address) == isPublic)
    }

    @Test func aRefusedAddressIsNotNamedInTheErrorText() async throws {
        let error = FetchError.forbiddenAddress(host: "intranet.example", address: "10.20.30.40")
        #expect(!error.description.contains("10.20.30.40"))
        #expect(error.description == "refused to fetch from intranet.example: the site resolves to an address that is not public")
        let site = try SiteTestServer(site: "saas")
        try await site.start()
        defer { site.stop() }
        do {
            _ = try await strict.fetch("http://localhost:\(site.port)/", limits: .page)
            Issue.record("loopback was fetched")
        } catch {
            #expect("\(error)" == "refused to fetch from localhost: the site resolves to an address that is not public")
        }
    }

    @Test func loopbackOnlyTestsResolveNoOutsideNameAndReachNoOutsideAddress() async throws {
        await #expect(throws: FetchError.unresolvable("fonts.googleapis.com")) { try await open.fetch("https://fonts.googleapis.com/css2?family=Inter", limits: .stylesheet) }
        await #expect(throws: FetchError.unresolvable("orbitly.example")) { try await open.fetch("https://orbitly.example/", limits: .page) }
        await #expect(throws: FetchError.unresolvable("93.184.216.34")) { try await open.fetch("http://93.184.216.34/", limits: .page) }
        // A mapped name must still map to loopback.
        let mapped = SafeFetcher(http: SafeFetcher.sharedHTTPClient, policy: AddressPolicy(allowPrivate: true, network: .loopbackOnly(hosts: ["acme.example": "8.8.8.8"])))
        await #expect(throws: FetchError.unresolvable("acme.example")) { try await mapped.fetch("http://acme.example/", limits: .page) }
    }

    /// https connects to the address the policy checked: the name below has no DNS record at
    /// all (the test network has no DNS), so a second lookup at connect time could only fail.
    /// SNI and certificate verification still use the host name.
    @Test func httpsConnectsToTheCheckedAddressWithTheHostNameForSNIAndTheCertificate() async throws {
        let site = try SiteTestServer(site: "saas", tlsName: "flowdesk.blumpo.test")
        try await site.start()
        defer { site.stop() }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(site.certificatePath))
        func fetcher(pinning name: String) -> SafeFetcher {
            SafeFetcher(http: SafeFetcher.sharedHTTPClient, policy: AddressPolicy(allowPrivate: true, network: .loopbackOnly(hosts: [name: "127.0.0.1"])), tls: tls)
        }
        let page = try await fetcher(pinning: "flowdesk.blumpo.test").fetch(site.url + "/", limits: .page)
        #expect(String(decoding: page.body, as: UTF8.self).contains("Flowdesk"))
        #expect(page.url.absoluteString == site.url + "/")
        #expect(site.serverNames() == ["flowdesk.blumpo.test"])

        // The same address under a name the certificate does not cover is refused (the client
        // retries the handshake until the hop's timeout, so the limit is short).
        let short = FetchLimits(timeout: .seconds(2), maximumBytes: 1 << 20, acceptedTypes: ["text/html"])
        do {
            _ = try await fetcher(pinning: "other.blumpo.test").fetch("https://other.blumpo.test:\(site.port)/", limits: short)
            Issue.record("a certificate for another name was accepted")
        } catch let error as FetchError {
            switch error {
            case .transport, .timedOut: break
            default: Issue.record("\(error)")
            }
        }
        #expect(Set(site.serverNames()) == ["flowdesk.blumpo.test", "other.blumpo.test"])
    }
}
