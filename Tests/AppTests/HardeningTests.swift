import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import PostgresNIO
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile input: each of these once trapped the process (taking every user's requests and
/// every running job with it) or slipped past a rule. Each answers a problem with a stable code.
@Suite struct HardeningTests {
    static func base64url(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    @Test func cursorsNamingImpossibleTimesAre400AndTheServerLivesOn() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("cursor@example.com", db: db)
            for seconds in ["1e300", "inf", "nan", "-1e300"] {
                let cursor = Self.base64url("\(seconds)|00000000-0000-0000-0000-000000000000")
                for path in ["/api/v1/brands", "/api/v1/generation-jobs", "/api/v1/ad-images"] {
                    let answer = try await client.json(.get, "\(path)?cursor=\(cursor)", token: token)
                    #expect(answer.status == .badRequest, "\(path) \(seconds)")
                    #expect(answer.body["code"] as? String == "INVALID_CURSOR")
                }
            }
            let ledger = try await client.json(.get, "/api/v1/tokens/ledger?cursor=99999999999999999999999", token: token)
            #expect(ledger.body["code"] as? String == "INVALID_CURSOR")
            #expect(try await client.json(.get, "/api/v1/brands", token: token).status == .ok)
        }
    }

    @Test func aLimitThatIsNotAWholeNumberInRangeIsRefusedNamingTheField() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("limit@example.com", db: db)
            for limit in ["abc", "0", "-5", "101", "99999999999999999999", "1e3"] {
                let answer = try await client.json(.get, "/api/v1/brands?limit=\(limit)", token: token)
                #expect(answer.status == .unprocessableContent, "\(limit)")
                #expect((answer.body["errors"] as? [String: Any])?["limit"] != nil)
            }
            #expect(try await client.json(.get, "/api/v1/brands?limit=100", token: token).status == .ok)
        }
    }

    @Test func aCrossSiteTextPlainFormCannotSignAVictimIn() async throws {
        try await withTestApp { client, _ in
            let body = #"{"email":"attacker@example.com","code":"123456"}"#
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let status = try await client.execute(
                    uri: "/api/v1/auth/otp/verify", method: .post,
                    headers: [.contentType: type, .contentLength: String(body.utf8.count), .origin: "https://evil.example"],
                    body: ByteBuffer(string: body)
                ) { response -> (HTTPResponse.Status, String) in
                    let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    return (response.status, object?["code"] as? String ?? "")
                }
                #expect(status.0 == .unsupportedMediaType, "\(type)")
                #expect(status.1 == "UNSUPPORTED_MEDIA_TYPE")
            }
            // The router skips empty segments; the rule must see the same route.
            for path in ["//api/v1/auth/otp/verify", "/api//v1/auth/otp/verify", "/api/v1//auth/otp/verify"] {
                let status = try await client.execute(
                    uri: path, method: .post, headers: [.contentType: "text/plain", .contentLength: String(body.utf8.count)], body: ByteBuffer(string: body)
                ) { $0.status }
                #expect(status == .unsupportedMediaType, "\(path)")
            }
            let undeclared = try await client.execute(
                uri: "/api/v1/auth/otp", method: .post, headers: [.contentLength: "30"], body: ByteBuffer(string: #"{"email":"a@example.com"}     "#)
            ) { $0.status }
            #expect(undeclared == .unsupportedMediaType)
            let json = try await client.json(.post, "/api/v1/auth/otp", body: ["email": "fine@example.com"])
            #expect(json.status == .accepted)
        }
    }

    @Test func emailsWithLineBreaksOrControlCharactersAreRefusedAtTheBoundary() async throws {
        try await withTestApp { client, db in
            for email in ["victim@example.com\r\nRCPT TO:<attacker@evil.test>", "a@example.com\nBcc: x@evil.test", "a\u{0}@example.com"] {
                let answer = try await client.json(.post, "/api/v1/auth/otp", body: ["email": email])
                #expect(answer.status == .unprocessableContent)
                #expect((answer.body["errors"] as? [String: Any])?["email"] != nil)
            }
            #expect(try await db.one("SELECT count(*)::int FROM queue_task WHERE kind = 'email.send'", as: Int.self) == 0)
        }
    }

    @Test func quotesAndAdminNumbersOutOfRangeAre422NotATrap() async throws {
        try await withTestApp(environment: ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]) { client, db in
            let (bossToken, _) = try await client.signIn("boss@example.com", db: db)
            let (_, userID) = try await client.signIn("someone@example.com", db: db)
            // The most expensive rule an admin may set, charged per ad.
            let rule = try await client.json(
                .post, "/api/v1/admin/pricing", body: ["name": "per ad", "strategy": "PER_AD", "base_cost_tokens": 1_000_000_000], token: bossToken)
            #expect(rule.status == .ok)
            for ads in [Int64.max, 1_000_000, 101, 0, -1] {
                let quote = try await client.json(.post, "/api/v1/pricing/quote", body: ["formats": ["square"], "expected_ads": ads], token: bossToken)
                #expect(quote.status == .unprocessableContent, "\(ads)")
                #expect((quote.body["errors"] as? [String: Any])?["expected_ads"] != nil)
            }
            let twoAds = try await client.json(.post, "/api/v1/pricing/quote", body: ["formats": ["square"], "expected_ads": 2], token: bossToken)
            #expect(twoAds.status == .unprocessableContent, "two billion tokens is above the bound")

            for delta in [Int64.min, Int64.max, -1_000_000_001] {
                let adjust = try await client.json(.post, "/api/v1/admin/users/\(userID)/tokens", body: ["delta": delta], token: bossToken)
                #expect(adjust.status == .unprocessableContent, "\(delta)")
            }
            for costs: [String: Any] in [["meme": -50], ["meme": Int64.min], ["meme": 1_000_000_001]] {
                let negative = try await client.json(
                    .post, "/api/v1/admin/pricing", body: ["name": "x", "strategy": "PER_FORMAT", "base_cost_tokens": 10, "archetype_base_costs": costs],
                    token: bossToken)
                #expect(negative.status == .unprocessableContent)
            }
            let plan = try await client.json(
                .put, "/api/v1/admin/plans/HUGE", body: ["display_name": "Huge", "monthly_tokens": 10, "sort_order": Int64(Int32.max) + 1], token: bossToken)
            #expect(plan.status == .unprocessableContent)
        }
    }

    @Test func aFieldOfTheWrongTypeOrBeyondItsTypesRangeIs422NamingIt() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("types@example.com", db: db)
            func post(_ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(
                    uri: "/api/v1/pricing/quote", method: .post, headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
                    body: ByteBuffer(string: body)
                ) { ($0.status, (try? JSONSerialization.jsonObject(with: Data(buffer: $0.body))) as? [String: Any] ?? [:]) }
            }
            for (body, field) in [
                (#"{"formats": ["square"], "expected_ads": 1e300}"#, "expected_ads"),
                (#"{"formats": ["square"], "expected_ads": 99999999999999999999}"#, "expected_ads"),
                (#"{"formats": "square"}"#, "formats"),
                (#"{"formats": [1]}"#, "formats[0]"),
                (#"{"expected_ads": 1}"#, "formats"),
            ] {
                let (status, problem) = try await post(body)
                #expect(status == .unprocessableContent, "\(body)")
                #expect((problem["errors"] as? [String: Any])?[field] != nil, "\(body): \(problem)")
            }
            let (status, problem) = try await post("{")
            #expect(status == .badRequest && problem["code"] as? String == "BAD_REQUEST")
        }
    }

    @Test func anAdjustmentKeyReusedWithAnotherAmountIsRefused() async throws {
        try await withTestApp(environment: ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]) { client, db in
            let (bossToken, _) = try await client.signIn("boss@example.com", db: db)
            let (_, userID) = try await client.signIn("gift@example.com", db: db)
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "gift-1"]
            let first = try await client.json(.post, "/api/v1/admin/users/\(userID)/tokens", body: ["delta": 25], token: bossToken, headers: key)
            #expect(first.status == .ok)
            let same = try await client.json(.post, "/api/v1/admin/users/\(userID)/tokens", body: ["delta": 25], token: bossToken, headers: key)
            #expect(same.status == .ok && same.body["id"] as? Int == first.body["id"] as? Int)
            let other = try await client.json(.post, "/api/v1/admin/users/\(userID)/tokens", body: ["delta": 2500], token: bossToken, headers: key)
            #expect(other.status == .unprocessableContent)
            #expect(other.body["code"] as? String == "IDEMPOTENCY_KEY_REUSED")
        }
    }

    @Test func anUnsignedCallbackIsRefusedBeforeItsBodyIsRead() async throws {
        try await withTestApp(environment: ["N8N_BASE_URL": "http://127.0.0.1:9", "N8N_WEBHOOK_KEY": "k"]) { client, _ in
            // 30 MB, beyond what a callback may send: were it read first, this would be 413.
            let huge = ByteBuffer(repeating: UInt8(ascii: "a"), count: 30 << 20)
            for signature in [nil, "t=1,v1=00", "garbage"] {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let signature { headers[HTTPField.Name("X-Blumpo-Signature")!] = signature }
                let (status, code) = try await client.execute(uri: "/api/v1/workflows/callback", method: .post, headers: headers, body: huge) { response in
                    (response.status, ((try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any])?["code"] as? String)
                }
                #expect(status == .unauthorized, "\(signature ?? "none")")
                #expect(code == "SIGNATURE_INVALID")
            }
        }
    }

    @Test func theWorkflowCallbackIsNotRoutedWithoutN8N() async throws {
        try await withTestApp { client, _ in
            let answer = try await client.json(.post, "/api/v1/workflows/callback", body: ["variant_id": UUID().uuidString, "status": "SUCCEEDED"])
            #expect(answer.status == .notFound)
        }
    }

    @Test func readyzNamesMissingReferenceDataWithoutDatabaseErrorText() async throws {
        try await withTestApp { client, db in
            try await db.execute("UPDATE subscription_plan SET is_default = false")
            var body: [String: Any] = [:]
            var status = HTTPResponse.Status.ok
            for _ in 0..<5 where body["status"] as? String != "reference data missing" {
                (status, body) = try await client.execute(uri: "/readyz", method: .get) { response in
                    (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:])
                }
            }
            #expect(status == .serviceUnavailable)
            #expect(body["status"] as? String == "reference data missing")
            #expect((body["detail"] as? String)?.contains("default subscription plan") == true)
        }
    }

    @Test func metricsWantTheTokenWhenOneIsSet() async throws {
        try await withTestApp(environment: ["BLUMPO_METRICS_TOKEN": "scrape-secret"]) { client, _ in
            let none = try await client.execute(uri: "/metrics", method: .get) { $0.status }
            #expect(none == .notFound)
            let wrong: HTTPFields = [.authorization: "Bearer nope"]
            let refused = try await client.execute(uri: "/metrics", method: .get, headers: wrong) { $0.status }
            #expect(refused == .notFound)
            let right: HTTPFields = [.authorization: "Bearer scrape-secret"]
            let served = try await client.execute(uri: "/metrics", method: .get, headers: right) { $0.status }
            #expect(served == .ok)
        }
    }

    @Test func onlyTheRightmostUntrustedForwardedAddressIsTheClient() throws {
        let proxies = [try #require(IPNetwork("10.0.0.0/8")), try #require(IPNetwork("::1"))]
        // From an untrusted peer the header is the client's own words: ignored.
        #expect(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["1.2.3.4"], trusted: proxies) == "203.0.113.9")
        // Through our proxy: the address the proxy saw.
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["198.51.100.7"], trusted: proxies) == "198.51.100.7")
        // A client that forges a leading entry does not choose its address.
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["1.2.3.4, 198.51.100.7"], trusted: proxies) == "198.51.100.7")
        // Two proxies of ours in a row.
        #expect(ClientAddress.resolve(peer: "::1", forwardedFor: ["198.51.100.7, 10.1.2.3"], trusted: proxies) == "198.51.100.7")
        // Garbage stops the walk at the last trustworthy hop.
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["198.51.100.7, not-an-ip"], trusted: proxies) == "10.0.0.2")
        #expect(IPNetwork("10.0.0.0/33") == nil && IPNetwork("nonsense") == nil)
    }

    @Test func brandImageFieldsTakeOnlyTheBrandsOwnFiles() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("owner@example.com", db: db)
            let created = try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://owned.example"], token: token)
            let brandID = try #require(created.body["id"] as? String)
            let foreignBlob = "http://127.0.0.1:8080/blobs/brands/\(UUID().uuidString.lowercased())/logo/x.png"
            for (field, value) in [
                ("logo_url", "http://169.254.169.254/latest/meta-data/" as Any), ("logo_url", foreignBlob as Any),
                ("photos", ["https://elsewhere.example/p.jpg"] as Any), ("hero_photos", ["http://10.0.0.1/admin.png"] as Any),
            ] {
                let answer = try await client.json(.patch, "/api/v1/brands/\(brandID)", body: [field: value], token: token)
                #expect(answer.status == .unprocessableContent, "\(field)")
                #expect((answer.body["errors"] as? [String: Any])?[field] != nil)
            }
            let ownBlob = "http://127.0.0.1:8080/blobs/brands/\(brandID)/logo/mine.png"
            let own = try await client.json(.patch, "/api/v1/brands/\(brandID)", body: ["logo_url": ownBlob], token: token)
            #expect(own.status == .ok)
            #expect(own.body["logo_url"] as? String == ownBlob)
            let cleared = try await client.json(.patch, "/api/v1/brands/\(brandID)", body: ["logo_url": NSNull()], token: token)
            #expect(cleared.status == .ok)
        }
    }

    @Test func creationsAndReExtractionsShareAnHourlyBudgetPerUser() async throws {
        try await withTestApp(environment: ["BLUMPO_EXTRACTIONS_PER_USER_HOUR": "3"]) { client, db in
            let (token, _) = try await client.signIn("crawler@example.com", db: db)
            let created = try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://budget.example"], token: token)
            let brandID = try #require(created.body["id"] as? String)
            for _ in 0..<2 {
                #expect(try await client.json(.post, "/api/v1/brands/\(brandID)/extract", body: [:], token: token).status == .accepted)
            }
            let refused = try await client.json(.post, "/api/v1/brands/\(brandID)/extract", body: [:], token: token)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)
            let (other, _) = try await client.signIn("neighbour@example.com", db: db)
            #expect(try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://budget.example"], token: other).status == .created)
        }
    }

    @Test func aStripeThatNeverAnswersCostsTheUserSecondsNotAHang() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let environment = ["STRIPE_SECRET_KEY": "sk_test_blumpo", "STRIPE_API_BASE": "http://127.0.0.1:\(silent.port)"]
        try await withTestApp(environment: environment) { client, db in
            let (token, _) = try await client.signIn("payer@example.com", db: db)
            let started = ContinuousClock.now
            let portal = try await client.json(.post, "/api/v1/billing/portal", token: token)
            let waited = ContinuousClock.now - started
            #expect(portal.status == .serviceUnavailable)
            #expect(portal.body["code"] as? String == "UPSTREAM_UNAVAILABLE")
            // The request gives up within seconds; a busy machine adds its scheduling, a hang would be minutes.
            #expect(waited < .seconds(15), "\(waited)")
        }
    }
}

/// A TCP port that accepts connections (the kernel completes the handshake) and never answers.
final class SilentListener: @unchecked Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
