import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Imaging
import NIOCore
import NIOFoundationCompat
import PostgresNIO
import TaskQueue
import TestSupport
import Testing

@Suite struct BrandRoutesTests {
    /// The app plus a worker running the extraction tasks, with loopback fetches allowed.
    private func withBrandApp(
        allowPrivate: Bool = true, _ body: @escaping @Sendable (any TestClientProtocol, TestDatabase) async throws -> Void
    ) async throws {
        let environment = [
            "BLUMPO_DATA_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("app-\(UUID().uuidString)").path,
            "BLUMPO_FETCH_ALLOW_PRIVATE": allowPrivate ? "1" : "0", "BLUMPO_FETCH_LOOPBACK_ONLY": "1", "BLUMPO_QUEUE_POLL_MS": "50",
        ]
        try await withTestApp(environment: environment) { client, db in
            let configuration = try AppConfiguration(environment: environment)
            let worker = try BackgroundWork(configuration: configuration, logger: db.logger).worker(client: db.client, logger: db.logger)
            try await withRunningServices([worker], logger: db.logger) { try await body(client, db) }
        }
    }

    @Test func creatingABrandNormalizesTheURLAndExtractsItsKit() async throws {
        let site = try SiteTestServer(site: "saas")
        try await site.start()
        defer { site.stop() }
        try await withBrandApp { client, db in
            let (token, _) = try await client.signIn("maker@example.com", db: db)
            let created = try await client.json(.post, "/api/v1/brands", body: ["website_url": site.url.uppercased() + "/#top"], token: token)
            #expect(created.status == .created)
            #expect(created.body["website_url"] as? String == site.url)
            let id = try #require(created.body["id"] as? String)
            #expect(created.headers[.location] == "/api/v1/brands/\(id)")
            #expect((created.body["extraction_status"] as? [String: Any])?["overall"] as? String == "pending")

            var brand: [String: Any] = [:]
            let settled = try await db.eventually(timeout: .seconds(60)) {
                brand = try await client.json(.get, "/api/v1/brands/\(id)", token: token).body
                return (brand["extraction_status"] as? [String: Any])?["overall"] as? String == "ok"
            }
            #expect(settled)
            #expect(brand["name"] as? String == "Flowdesk")
            #expect(brand["colors"] as? [String] == ["#5B3DF5", "#FF7A59", "#F2F4F7", "#101828"])
            #expect((brand["fonts"] as? [[String: Any]])?.first?["fontFamily"] as? String == "Inter")
            #expect((brand["insights"] as? [String: Any])?["unique_value_prop"] as? String == "Ship projects on time, from anywhere")
            #expect((brand["insights"] as? [String: Any])?.keys.contains("reddit_marketing_brief") == true)
            let logoURL = try #require(brand["logo_url"] as? String)
            let logoPath = try #require(URL(string: logoURL)?.path)
            try await client.execute(uri: logoPath, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(response.headers[.contentDisposition] == "inline; filename=\"\(logoPath.split(separator: "/").last ?? "")\"")
                #expect(response.headers[.eTag] != nil)
            }
            let snapshot = try #require(brand["website_data_url"] as? String)
            #expect(snapshot.hasSuffix("/blobs/brands/\(id)/website_data.json"))
        }
    }

    @Test func aSiteOnAPrivateAddressIsRefusedAndEveryStepSaysWhy() async throws {
        let site = try SiteTestServer(site: "saas")
        try await site.start()
        defer { site.stop() }
        try await withBrandApp(allowPrivate: false) { client, db in
            let (token, _) = try await client.signIn("ssrf@example.com", db: db)
            // A name, not an address: what it resolves to must not show in the stored error.
            let url = "http://localhost:\(site.port)"
            let id = try #require(try await client.json(.post, "/api/v1/brands", body: ["website_url": url], token: token).body["id"] as? String)
            var status: [String: Any] = [:]
            let settled = try await db.eventually(timeout: .seconds(30)) {
                status = try await client.json(.get, "/api/v1/brands/\(id)", token: token).body["extraction_status"] as? [String: Any] ?? [:]
                return status["overall"] as? String == "error"
            }
            #expect(settled)
            let crawlError = try #require(status["crawl_error"] as? String)
            #expect(crawlError == "refused to fetch from localhost: the site resolves to an address that is not public")
            #expect(!crawlError.contains("127.0.0.1") && !crawlError.contains("::1"))
            #expect((status["logo_error"] as? String)?.hasPrefix("website could not be crawled") == true)
        }
    }

    @Test func duplicatesLimitsAndRestoringFollowThePlan() async throws {
        try await withTestApp { client, db in
            let (token, userID) = try await client.signIn("limits@example.com", db: db)
            let first = try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://acme.example", "name": "Acme"], token: token)
            #expect(first.status == .created)
            #expect(first.body["name"] as? String == "Acme")
            let id = try #require(first.body["id"] as? String)

            let duplicate = try await client.json(.post, "/api/v1/brands", body: ["website_url": "HTTPS://ACME.example/"], token: token)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.body["code"] as? String == "BRAND_EXISTS")
            #expect(duplicate.body["existing_id"] as? String == id)

            let second = try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://other.example"], token: token)
            #expect(second.status == .forbidden)
            #expect(second.body["code"] as? String == "BRAND_LIMIT")

            #expect(try await client.json(.delete, "/api/v1/brands/\(id)", token: token).status == .noContent)
            #expect((try await client.json(.get, "/api/v1/brands", token: token).body["items"] as? [Any])?.isEmpty == true)
            let restored = try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://acme.example"], token: token)
            #expect(restored.status == .created)
            #expect(restored.body["id"] as? String == id)

            // GROWTH allows three brands; concurrent creations cannot exceed it.
            let user = try #require(UUID(uuidString: userID))
            try await db.execute("UPDATE token_account SET plan_code = 'GROWTH' WHERE user_id = \(user)")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<5 {
                    group.addTask { try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://site\(index).example"], token: token).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 2)
            #expect(statuses.filter { $0 == .forbidden }.count == 3)
            #expect(try await db.one("SELECT count(*)::int FROM brand WHERE user_id = \(user) AND NOT is_deleted", as: Int.self) == 3)
        }
    }

    @Test func anotherUsersBrandIsNotFoundAndBadInputNamesEachField() async throws {
        try await withTestApp { client, db in
            let (owner, _) = try await client.signIn("owner@example.com", db: db)
            let (stranger, _) = try await client.signIn("stranger@example.com", db: db)
            let id = try #require(try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://acme.example"], token: owner).body["id"] as? String)
            for (method, path) in [(HTTPRequest.Method.get, ""), (.patch, ""), (.delete, ""), (.get, "/insights"), (.post, "/extract")] {
                let answer = try await client.json(method, "/api/v1/brands/\(id)\(path)", body: method == .patch ? ["name": "Mine"] : nil, token: stranger)
                #expect(answer.status == .notFound, "\(method) \(path)")
            }
            #expect(try await client.json(.get, "/api/v1/brands/not-a-uuid", token: owner).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/brands/\(id)").status == .unauthorized)

            let invalid = try await client.json(
                .patch, "/api/v1/brands/\(id)", body: ["colors": ["red"], "language": "english!!", "name": "", "logo_url": "javascript:alert(1)", "website_url": "https://x.example"],
                token: owner)
            #expect(invalid.status == .unprocessableContent)
            let errors = try #require(invalid.body["errors"] as? [String: String])
            #expect(Set(errors.keys) == ["colors", "language", "name", "logo_url", "website_url"])
            #expect(try await client.json(.post, "/api/v1/brands", body: ["website_url": "ftp://acme.example"], token: owner).status == .unprocessableContent)

            let edited = try await client.json(
                .patch, "/api/v1/brands/\(id)",
                body: ["colors": ["#abc", "#5b3df5"], "language": "pt_br", "fonts": [["fontFamily": "Inter", "count": 3]], "logo_url": NSNull()], token: owner)
            #expect(edited.status == .ok)
            #expect(edited.body["colors"] as? [String] == ["#AABBCC", "#5B3DF5"])
            #expect(edited.body["language"] as? String == "pt-BR")
            #expect((edited.body["fonts"] as? [[String: Any]])?.first?["count"] as? Int == 3)
        }
    }

    @Test func insightsAreReadAndEditedButPipelineFieldsAreRefused() async throws {
        try await withTestApp { client, db in
            let (token, _) = try await client.signIn("insights@example.com", db: db)
            let id = try #require(try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://acme.example"], token: token).body["id"] as? String)
            let refused = try await client.json(.patch, "/api/v1/brands/\(id)/insights", body: ["reddit_marketing_brief": "x", "key_features": "not a list"], token: token)
            #expect(refused.status == .unprocessableContent)
            #expect(Set((refused.body["errors"] as? [String: String] ?? [:]).keys) == ["reddit_marketing_brief", "key_features"])
            let edited = try await client.json(
                .patch, "/api/v1/brands/\(id)/insights", body: ["industry": "Robotics", "key_features": ["Fast", "Safe"], "brand_voice": NSNull()], token: token)
            #expect(edited.status == .ok)
            #expect(edited.body["industry"] as? String == "Robotics")
            #expect(edited.body["key_features"] as? [String] == ["Fast", "Safe"])
            let read = try await client.json(.get, "/api/v1/brands/\(id)/insights", token: token)
            #expect(read.body["industry"] as? String == "Robotics")
            #expect(read.body.keys.contains("ins_raw"))

            let steps = try await client.json(.post, "/api/v1/brands/\(id)/extract", body: ["steps": ["colors", "nope"]], token: token)
            #expect(steps.status == .unprocessableContent)
            let rerun = try await client.json(.post, "/api/v1/brands/\(id)/extract", token: token)
            #expect(rerun.status == .accepted)
        }
    }

    @Test func uploadedAssetsAreReencodedServedAndRemovable() async throws {
        try await withTestApp(environment: ["BLUMPO_DATA_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("up-\(UUID().uuidString)").path]) { client, db in
            let (token, _) = try await client.signIn("assets@example.com", db: db)
            let (other, _) = try await client.signIn("other-assets@example.com", db: db)
            let id = try #require(try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://acme.example"], token: token).body["id"] as? String)
            let svg = Data(##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#E4572E"/></svg>"##.utf8)
            let png = try await ImageCodec.reencode(svg, maxWidth: 120, maxHeight: 60, as: .png).data

            let uploaded = try await upload(client, id: id, kind: "logo", file: png, token: token)
            #expect(uploaded.status == .created)
            let logoURL = try #require(uploaded.body["logo_url"] as? String)
            #expect(logoURL.contains("/blobs/brands/\(id)/logo/"))
            let path = try #require(URL(string: logoURL)?.path)
            let etag = try await client.execute(uri: path, method: .get) { response -> String? in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(ImageCodec.kind(of: Data(buffer: response.body)) == "png")
                return response.headers[.eTag]
            }
            try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: try #require(etag)]) { #expect($0.status == .notModified) }

            let photo = try await upload(client, id: id, kind: "photo", file: png, token: token)
            #expect((photo.body["photos"] as? [String])?.first?.hasSuffix(".webp") == true)

            let notImage = try await upload(client, id: id, kind: "hero", file: Data("<html>hi</html>".utf8), token: token)
            #expect(notImage.status == .unprocessableContent)
            #expect((notImage.body["errors"] as? [String: String])?["file"] != nil)
            #expect(try await upload(client, id: id, kind: "banner", file: png, token: token).status == .unprocessableContent)
            #expect(try await upload(client, id: id, kind: "logo", file: png, token: other).status == .notFound)

            #expect(try await client.json(.delete, "/api/v1/brands/\(id)/assets", body: ["url": "https://elsewhere.example/x.png"], token: token).status == .notFound)
            let removed = try await client.json(.delete, "/api/v1/brands/\(id)/assets", body: ["url": logoURL], token: token)
            #expect(removed.status == .ok)
            #expect(removed.body["logo_url"] is NSNull)
            try await client.execute(uri: path, method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func blobPathsCannotLeaveTheStore() async throws {
        try await withTestApp { client, _ in
            for path in ["/blobs/../../etc/passwd", "/blobs/..%2F..%2Fetc%2Fpasswd", "/blobs/brands/%2e%2e/%2e%2e/etc/passwd", "/blobs/"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .notFound, "\(path)") }
            }
        }
    }

    private func upload(_ client: any TestClientProtocol, id: String, kind: String, file: Data, token: String) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
        let boundary = "blumpo-\(UUID().uuidString)"
        var body = Data()
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n\(kind)\r\n".utf8))
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(file)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await client.execute(
            uri: "/api/v1/brands/\(id)/assets", method: .post,
            headers: [.contentType: "multipart/form-data; boundary=\(boundary)", .authorization: "Bearer \(token)"],
            body: ByteBuffer(data: body)
        ) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:])
        }
    }
}
