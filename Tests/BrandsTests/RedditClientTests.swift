import AsyncHTTPClient
import Foundation
import Logging
import Reddit
import Testing
import TestSupport

/// Listings as Reddit writes them, for the stand-in server.
enum RedditListings {
    static func post(_ id: String, title: String, text: String = "", subreddit: String = "Coffee", score: Int = 10, nsfw: Bool = false) -> [String: Any] {
        ["kind": "t3", "data": [
            "id": id, "name": "t3_\(id)", "title": title, "selftext": text, "subreddit": subreddit, "score": score, "created_utc": 1_790_000_000.0,
            "permalink": "/r/\(subreddit)/comments/\(id)/slug/", "over_18": nsfw, "author": "someone", "num_comments": 3,
        ] as [String: Any]]
    }

    static func comment(_ id: String, post: String, body: String, subreddit: String = "Coffee", score: Int = 5, author: String = "someone") -> [String: Any] {
        ["kind": "t1", "data": [
            "id": id, "name": "t1_\(id)", "body": body, "subreddit": subreddit, "score": score, "created_utc": 1_790_000_100.0,
            "permalink": "/r/\(subreddit)/comments/\(post)/slug/\(id)/", "author": author,
        ] as [String: Any]]
    }

    /// Two pages for "brewly" (one removed post, one NSFW post, one deleted comment among them)
    /// and comments on the best post.
    static var brewly: [String: Any] { [
        "search": [
            "brewly": [
                [post("p1", title: "Brewly after a month", text: "I finally bought the Brewly and I love it.", score: 90),
                 post("p2", title: "Removed", text: "[removed]", score: 50),
                 post("p3", title: "Brewly nsfw thread", text: "not for work", nsfw: true)],
                [post("p4", title: "Is the Brewly loud?", text: "I hate how loud my old grinder was.", subreddit: "espresso", score: 30)],
            ],
        ],
        "comments": [
            "p1": [comment("c1", post: "p1", body: "I wish the hopper was bigger.", score: 12),
                   comment("c2", post: "p1", body: "[deleted]", author: "[deleted]"),
                   ["kind": "more", "data": ["count": 4, "children": ["c9"]] as [String: Any]]],
        ],
    ] }
}

@Suite(.serialized) struct RedditClientTests {
    static func client(_ server: RedditTestServer, secret: String = "test-secret", configure: (inout RedditSettings) -> Void = { _ in }) -> RedditClient {
        var settings = RedditSettings(
            clientID: "test-id", clientSecret: secret, authBase: server.baseURL, apiBase: server.baseURL + "/", productBaseURL: "https://app.blumpo.test")
        settings.maxWait = .seconds(3)
        configure(&settings)
        return RedditClient(settings: settings, http: .shared, logger: Logger(label: "reddit-test"))
    }

    @Test func harvestAuthenticatesPagesThroughAndDropsDeletedRemovedAndNSFW() async throws {
        let server = try RedditTestServer(content: RedditListings.brewly)
        try await server.start()
        defer { server.stop() }
        var budget = RedditHarvester.Budget()
        budget.pagesPerSearch = 3
        let harvest = try await RedditHarvester(client: Self.client(server), budget: budget)
            .harvest([SearchTerm("Brewly", about: .brand)], logger: Logger(label: "reddit-test"))
        #expect(harvest.items.map(\.id) == ["t3_p1", "t3_p4", "t1_c1"])
        #expect(harvest.items.map(\.permalink) == [
            "https://www.reddit.com/r/Coffee/comments/p1/slug/", "https://www.reddit.com/r/espresso/comments/p4/slug/",
            "https://www.reddit.com/r/Coffee/comments/p1/slug/c1/",
        ])
        #expect(harvest.items[0].title == "Brewly after a month" && harvest.items[0].score == 90 && harvest.items[0].subreddit == "Coffee")
        #expect(harvest.items[2].about == .brand && harvest.items[2].kind == .comment)
        #expect(harvest.errors.isEmpty && !harvest.truncated)

        let requests = server.requests()
        let token = try #require(requests.first)
        #expect(token["path"] as? String == "/api/v1/access_token")
        #expect(token["authorization"] as? String == "Basic " + Data("test-id:test-secret".utf8).base64EncodedString())
        #expect(token["body"] as? String == "grant_type=client_credentials")
        let searches = requests.filter { $0["path"] as? String == "/search" }
        // Two sorts, two pages each; the second page asked with the first page's `after`.
        #expect(searches.count == 4)
        #expect(searches.compactMap { ($0["query"] as? [String: String])?["after"] } == ["page-2", "page-2"])
        #expect(searches.allSatisfy { ($0["query"] as? [String: String])?["q"] == "\"Brewly\"" && ($0["query"] as? [String: String])?["type"] == "link" })
        #expect(requests.filter { $0["path"] as? String == "/comments/p1" }.count == 1)
        #expect(requests.dropFirst().allSatisfy { $0["authorization"] as? String == "Bearer token-1" })
        // An honest User-Agent: the product and where to find it.
        #expect(requests.allSatisfy { ($0["user_agent"] as? String) == "server:blumpo-insights:1.0 (Blumpo ad creatives; +https://app.blumpo.test)" })
    }

    @Test func theBudgetBoundsTheHarvest() async throws {
        let server = try RedditTestServer(content: RedditListings.brewly)
        try await server.start()
        defer { server.stop() }
        var budget = RedditHarvester.Budget()
        budget.requests = 2
        let harvest = try await RedditHarvester(client: Self.client(server), budget: budget)
            .harvest([SearchTerm("Brewly", about: .brand), SearchTerm("GrindMaster", about: .competitor)], logger: Logger(label: "reddit-test"))
        #expect(harvest.truncated)
        #expect(server.requests().filter { $0["path"] as? String != "/api/v1/access_token" }.count == 2)
    }

    @Test func aRateLimitedCallWaitsForTheResetThenSucceeds() async throws {
        let server = try RedditTestServer(content: RedditListings.brewly, behaviour: ["rate_limited_first": 1])
        try await server.start()
        defer { server.stop() }
        let started = ContinuousClock.now
        _ = try await Self.client(server).get("/search", query: [("q", "\"Brewly\"")])
        let elapsed = ContinuousClock.now - started
        let searches = server.requests().filter { $0["path"] as? String == "/search" }
        #expect(searches.count == 2)
        // X-Ratelimit-Reset: 1 — the retry came a second later, not at once.
        let gap = (searches[1]["time"] as? Double ?? 0) - (searches[0]["time"] as? Double ?? 0)
        #expect(gap >= 0.9, "retried after \(gap) s")
        #expect(elapsed < .seconds(3))
    }

    @Test func aSpentWindowDelaysTheNextCallUntilItResets() async throws {
        let server = try RedditTestServer(content: RedditListings.brewly, behaviour: ["remaining_zero_first": 1])
        try await server.start()
        defer { server.stop() }
        let client = Self.client(server)
        _ = try await client.get("/search", query: [("q", "\"Brewly\"")])
        _ = try await client.get("/search", query: [("q", "\"Brewly\"")])
        let searches = server.requests().filter { $0["path"] as? String == "/search" }
        let gap = (searches[1]["time"] as? Double ?? 0) - (searches[0]["time"] as? Double ?? 0)
        #expect(gap >= 0.9, "second call came \(gap) s after the first")
    }

    @Test func aRefusedTokenIsRefreshedOnce() async throws {
        let server = try RedditTestServer(content: RedditListings.brewly, behaviour: ["revoke_first_token": true])
        try await server.start()
        defer { server.stop() }
        _ = try await Self.client(server).get("/search", query: [("q", "\"Brewly\"")])
        let requests = server.requests()
        #expect(requests.map { $0["path"] as? String ?? "" } == ["/api/v1/access_token", "/search", "/api/v1/access_token", "/search"])
        #expect(requests.last?["authorization"] as? String == "Bearer token-2")
    }

    @Test func wrongCredentialsAreUnauthorizedWithoutRetrying() async throws {
        let server = try RedditTestServer(content: RedditListings.brewly)
        try await server.start()
        defer { server.stop() }
        await #expect(throws: RedditError.unauthorized("HTTP 401 from the token endpoint")) {
            try await Self.client(server, secret: "wrong").get("/search", query: [("q", "x")])
        }
        #expect(server.requests().count == 1)
    }

    @Test func serverErrorsAreRetriedABoundedNumberOfTimes() async throws {
        let server = try RedditTestServer(content: RedditListings.brewly, behaviour: ["server_error_first": 100])
        try await server.start()
        defer { server.stop() }
        let client = Self.client(server) { $0.maxAttempts = 3; $0.maxWait = .milliseconds(100) }
        await #expect(throws: RedditError.unavailable(status: 503, attempts: 3)) { try await client.get("/search", query: [("q", "x")]) }
        #expect(server.requests().filter { $0["path"] as? String == "/search" }.count == 3)
    }

    @Test func aSlowServerTimesOut() async throws {
        let server = try RedditTestServer(content: RedditListings.brewly, behaviour: ["slow_seconds": 5])
        try await server.start()
        defer { server.stop() }
        let client = Self.client(server) { $0.requestTimeout = .milliseconds(500) }
        let started = ContinuousClock.now
        await #expect(throws: RedditError.timedOut) { try await client.get("/search", query: [("q", "x")]) }
        #expect(ContinuousClock.now - started < .seconds(3))
    }
}
