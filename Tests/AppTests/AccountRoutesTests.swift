import Accounts
import App
import Billing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOFoundationCompat
import PostgresNIO
import TestSupport
import Testing

/// JSON helpers for calling the API in tests.
extension TestClientProtocol {
    @discardableResult
    func json(
        _ method: HTTPRequest.Method, _ uri: String, body: [String: Any]? = nil, token: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, body: [String: Any], headers: HTTPFields) {
        var headers = extra
        if body != nil { headers[.contentType] = "application/json" }
        if let token { headers[.authorization] = "Bearer \(token)" }
        let buffer = try body.map { ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: $0)) }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            return (response.status, object, response.headers)
        }
    }

    /// Requests and verifies a code; returns the session token and the user's id.
    func signIn(_ email: String, db: TestDatabase) async throws -> (token: String, userID: String) {
        let requested = try await json(.post, "/api/v1/auth/otp", body: ["email": email])
        #expect(requested.status == .accepted)
        guard let code = try await db.emailedCode(to: email) else {
            // Delivered and wiped before the test could read it: open the session directly.
            return try await Self.openSession(email, db: db)
        }
        let verified = try await json(.post, "/api/v1/auth/otp/verify", body: ["email": email, "code": code])
        #expect(verified.status == .ok)
        let token = try #require(verified.body["token"] as? String)
        let user = try #require(verified.body["user"] as? [String: Any])
        return (token, try #require(user["id"] as? String))
    }

    /// The user, token account and session a successful sign-in would have created.
    static func openSession(_ email: String, db: TestDatabase) async throws -> (token: String, userID: String) {
        try await db.client.withConnection { connection in
            let (user, created) = try await UserStore().findOrCreate(email: email, on: connection, logger: db.logger)
            if created { try await TokenAccountStore().open(for: user.id, on: connection, logger: db.logger) }
            let session = try await SessionStore().create(
                userID: user.id, ttl: .seconds(30 * 86400), origin: RequestOrigin(ipAddress: nil, userAgent: "tests"), on: connection, logger: db.logger)
            return (session.token, user.id.uuidString)
        }
    }
}

@Suite struct AccountRoutesTests {
    @Test func aNewcomerSignsInAndSeesTheirAccount() async throws {
        try await withTestApp { client, db in
            let requested = try await client.json(.post, "/api/v1/auth/otp", body: ["email": "Newcomer@Example.com"])
            #expect(requested.body["expires_at"] is String && requested.body["resend_available_at"] is String)
            let code = try await db.one("SELECT payload->>'text' FROM queue_task WHERE kind = 'email.send'", as: String.self)
            let digits = try #require(code.range(of: #"\d{6}"#, options: .regularExpression).map { String(code[$0]) })
            let verified = try await client.json(.post, "/api/v1/auth/otp/verify", body: ["email": "newcomer@example.com", "code": digits])
            #expect(verified.status == .ok)
            let cookie = try #require(verified.headers[.setCookie])
            #expect(cookie.contains("blumpo_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"), "plain-http localhost gets no Secure flag")
            let token = try #require(verified.body["token"] as? String)
            let id = try #require((verified.body["user"] as? [String: Any])?["id"] as? String)
            #expect(id == id.lowercased() && UUID(uuidString: id) != nil, "ids leave the API lower-case")

            let me = try await client.json(.get, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            #expect((me.body["user"] as? [String: Any])?["email"] as? String == "newcomer@example.com")
            #expect((me.body["tokens"] as? [String: Any])?["balance"] as? Int == 50)
        }
    }

    @Test func aWrongCodeSaysHowManyAttemptsAreLeft() async throws {
        try await withTestApp { client, db in
            try await client.json(.post, "/api/v1/auth/otp", body: ["email": "a@example.com"])
            let malformed = try await client.json(.post, "/api/v1/auth/otp/verify", body: ["email": "a@example.com", "code": "12345x"])
            #expect(malformed.status == .unprocessableContent)
            #expect(malformed.body["code"] as? String == "VALIDATION")
            let text = try await db.one("SELECT payload->>'text' FROM queue_task WHERE kind = 'email.send'", as: String.self)
            let right = try #require(text.range(of: #"\d{6}"#, options: .regularExpression).map { String(text[$0]) })
            let wrong = try await client.json(.post, "/api/v1/auth/otp/verify", body: ["email": "a@example.com", "code": right == "000000" ? "111111" : "000000"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body["code"] as? String == "OTP_INVALID")
            #expect((wrong.body["detail"] as? String)?.contains("4 attempts left") == true)
            let unknown = try await client.json(.post, "/api/v1/auth/otp/verify", body: ["email": "nobody@example.com", "code": "123456"])
            #expect(unknown.status == .unauthorized)
            #expect(unknown.body["code"] as? String == "OTP_INVALID")
        }
    }

    @Test func everyAuthenticatedEndpointAnswers401WithoutALiveSession() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("gone@example.com", db: db)
            try await db.execute("UPDATE auth_session SET expires_at = now() - interval '1 second'")
            let endpoints: [(HTTPRequest.Method, String)] = [
                (.get, "/api/v1/me"), (.patch, "/api/v1/me"), (.post, "/api/v1/me/email"), (.post, "/api/v1/auth/logout"),
                (.post, "/api/v1/auth/logout-all"), (.get, "/api/v1/admin/users"),
            ]
            for credential in [nil, token, "not-a-token"] {
                for (method, path) in endpoints {
                    let answer = try await client.json(method, path, body: method == .get ? nil : [:], token: credential)
                    #expect(answer.status == .unauthorized, "\(method) \(path)")
                    #expect(answer.headers[.contentType] == "application/problem+json")
                    #expect(answer.body["code"] as? String == "UNAUTHENTICATED")
                }
            }
        }
    }

    @Test func logoutRevokesTheSessionAndLogoutAllRevokesEveryOne() async throws {
        try await withTestApp { client, db in
            let first = try await client.signIn("multi@example.com", db: db).token
            try await db.execute("UPDATE auth_otp SET expires_at = now() - interval '1 second'")
            let second = try await client.signIn("multi@example.com", db: db).token
            #expect(try await client.json(.post, "/api/v1/auth/logout", token: first).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/me", token: first).status == .unauthorized)
            #expect(try await client.json(.get, "/api/v1/me", token: second).status == .ok)
            #expect(try await client.json(.post, "/api/v1/auth/logout-all", token: second).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/me", token: second).status == .unauthorized)
        }
    }

    @Test func cookieWritesFromAnotherOriginAreRejected() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("csrf@example.com", db: db)
            let cookie: HTTPFields = [.cookie: "blumpo_session=\(token)"]
            let read = try await client.json(.get, "/api/v1/me", headers: cookie)
            #expect(read.status == .ok)
            var foreign = cookie
            foreign[.origin] = "https://evil.example"
            let attack = try await client.json(.patch, "/api/v1/me", body: ["display_name": "pwned"], headers: foreign)
            #expect(attack.status == .forbidden)
            #expect(attack.body["code"] as? String == "CSRF_REJECTED")
            var same = cookie
            same[.origin] = "http://127.0.0.1:8080"
            #expect(try await client.json(.patch, "/api/v1/me", body: ["display_name": "Ann"], headers: same).status == .ok)
        }
    }

    @Test func profileEditsAreValidatedFieldByField() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("profile@example.com", db: db)
            let bad = try await client.json(
                .patch, "/api/v1/me", body: ["display_name": "", "photo_url": "javascript:alert(1)", "phone_number": "0123"], token: token)
            #expect(bad.status == .unprocessableContent)
            let errors = try #require(bad.body["errors"] as? [String: String])
            #expect(Set(errors.keys) == ["display_name", "photo_url", "phone_number"])
            let good = try await client.json(
                .patch, "/api/v1/me", body: ["display_name": "Ann", "photo_url": "https://example.com/a.png", "phone_number": "+14155550123"],
                token: token)
            #expect(good.status == .ok)
            #expect((good.body["user"] as? [String: Any])?["phone_number"] as? String == "+14155550123")
            let cleared = try await client.json(.patch, "/api/v1/me", body: ["phone_number": NSNull()], token: token)
            #expect((cleared.body["user"] as? [String: Any])?["phone_number"] == nil)
            #expect((cleared.body["user"] as? [String: Any])?["display_name"] as? String == "Ann")
        }
    }

    @Test func adminsFindAndBanUsersWhoseSessionsThenDie() async throws {
        try await withTestApp(environment: ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]) { client, db in
            let (victimToken, victimID) = try await client.signIn("victim@example.com", db: db)
            let (bossToken, _) = try await client.signIn("boss@example.com", db: db)
            #expect(try await client.json(.get, "/api/v1/admin/users", token: victimToken).status == .notFound)

            let list = try await client.json(.get, "/api/v1/admin/users?query=victim", token: bossToken)
            let items = try #require(list.body["items"] as? [[String: Any]])
            #expect(items.map { $0["email"] as? String } == ["victim@example.com"])
            let detail = try await client.json(.get, "/api/v1/admin/users/\(victimID)", token: bossToken)
            #expect((detail.body["tokens"] as? [String: Any])?["plan_code"] as? String == "FREE")

            let banned = try await client.json(.post, "/api/v1/admin/users/\(victimID)/ban", token: bossToken)
            #expect(banned.body["ban_flag"] as? Bool == true)
            #expect(try await client.json(.get, "/api/v1/me", token: victimToken).status == .unauthorized)
            try await db.execute("UPDATE auth_otp SET expires_at = now() - interval '1 second'")
            try await client.json(.post, "/api/v1/auth/otp", body: ["email": "victim@example.com"])
            let code = try await db.one(
                "SELECT payload->>'text' FROM queue_task WHERE kind = 'email.send' ORDER BY id DESC LIMIT 1", as: String.self)
            let digits = try #require(code.range(of: #"\d{6}"#, options: .regularExpression).map { String(code[$0]) })
            let refused = try await client.json(.post, "/api/v1/auth/otp/verify", body: ["email": "victim@example.com", "code": digits])
            #expect(refused.status == .forbidden)
            #expect(refused.body["code"] as? String == "ACCOUNT_SUSPENDED")
            #expect(try await client.json(.post, "/api/v1/admin/users/\(victimID)/unban", token: bossToken).body["ban_flag"] as? Bool == false)
        }
    }

    @Test func adminUserListsPageWithCursors() async throws {
        try await withTestApp(environment: ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]) { client, db in
            let (bossToken, _) = try await client.signIn("boss@example.com", db: db)
            try await db.execute(#"INSERT INTO "user" (email, created_at) SELECT 'u' || n || '@example.com', now() - n * interval '1 minute' FROM generate_series(1, 5) n"#)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.json(.get, "/api/v1/admin/users?query=@example.com&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: bossToken)
                seen += (page.body["items"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }
                cursor = page.body["next_cursor"] as? String
            } while cursor != nil
            #expect(seen.count == 6)
            #expect(Set(seen).count == 6)
        }
    }
}

extension TestDatabase {
    /// The newest code emailed to `email`, or nil once delivery has wiped it.
    func emailedCode(to email: String) async throws -> String? {
        // A worker running beside the test may deliver the email (and wipe the code from the
        // task) at once: hold the task back while reading the code.
        var text = try await client.query(
            """
            UPDATE queue_task SET run_at = now() + interval '1 hour'
            WHERE kind = 'email.send' AND state = 'available' AND payload->>'to' = \(email) RETURNING payload->>'text'
            """, logger: logger
        ).collect().first?.decode(String?.self) ?? nil
        if text == nil {
            // Already claimed: the code is in the payload until delivery wipes it.
            text = try await client.query(
                "SELECT payload->>'text' FROM queue_task WHERE kind = 'email.send' AND payload->>'to' = \(email) ORDER BY id DESC LIMIT 1",
                logger: logger
            ).collect().first?.decode(String?.self) ?? nil
        }
        guard let text, let range = text.range(of: #"\d{6}"#, options: .regularExpression) else { return nil }
        return String(text[range])
    }
}

