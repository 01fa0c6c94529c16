import Testing
import TestSupport

/// The ports of the servers tests start: held from the start, free to no one else.
@Suite struct TestServerPortTests {
    @Test func aServersPortIsHeldFromItsCreationAndRefusesConnectionsUntilItListens() async throws {
        let site = try SiteTestServer(site: "saas")
        #expect(!isListening(port: site.port))
        try await site.start()
        defer { site.stop() }
        #expect(isListening(port: site.port))
    }
}
