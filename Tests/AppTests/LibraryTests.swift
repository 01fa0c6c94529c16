import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Library
import Logging
import NIOCore
import NIOFoundationCompat
import PostgresNIO
import Storage
import TaskQueue
import TestSupport
import Testing

/// What a library test works with: a signed-in owner with fixture images, and the data directory.
struct LibraryContext: Sendable {
    let client: any TestClientProtocol
    let db: TestDatabase
    let token: String
    let userID: UUID
    let fixture: LibraryFixture
    let dataDirectory: String
}

func withLibrary(
    specs: [(String, String)]? = nil, _ body: @escaping @Sendable (LibraryContext) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("library-\(UUID().uuidString)").path
    try await withTestApp(environment: ["BLUMPO_DATA_DIR": directory, "BLUMPO_ADMIN_EMAILS": "boss@example.com"]) { client, db in
        let (token, user) = try await client.signIn("owner-\(UUID().uuidString.prefix(6).lowercased())@example.com", db: db)
        let userID = try #require(UUID(uuidString: user))
        let fixture = if let specs {
            try await LibraryFixture.seed(db, userID: userID, dataDirectory: directory, specs: specs)
        } else {
            try await LibraryFixture.seed(db, userID: userID, dataDirectory: directory)
        }
        try await body(LibraryContext(client: client, db: db, token: token, userID: userID, fixture: fixture, dataDirectory: directory))
    }
}

@Suite struct LibraryTests {
    private func ids(_ body: [String: Any]) -> [String] {
        (body["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test func theLibraryFiltersByBrandJobArchetypeFormatWorkflowStateAndDateNewestFirst() async throws {
        try await withLibrary { l in
            let all = l.fixture.images.map { $0.id.uuidString.lowercased() }
            let list = try await l.client.json(.get, "/api/v1/ad-images", token: l.token)
            #expect(ids(list.body) == all.reversed())
            let first = try #require((list.body["items"] as? [[String: Any]])?.first)
            #expect(first["ad_format"] as? String == "square")
            #expect(first["brand_name"] as? String == "Kettle & Co.")
            #expect(first["is_saved"] as? Bool == false)
            #expect(first["delete_at"] is NSNull)

            let story = try await l.client.json(.get, "/api/v1/ad-images?format=story", token: l.token)
            #expect(ids(story.body) == [all[1]])
            let testimonial = try await l.client.json(.get, "/api/v1/ad-images?archetype=testimonial", token: l.token)
            #expect(ids(testimonial.body) == [all[2]])
            let byBrand = try await l.client.json(.get, "/api/v1/ad-images?brand_id=\(l.fixture.brandID)&job_id=\(l.fixture.jobID)", token: l.token)
            #expect(ids(byBrand.body).count == 3)
            let workflow = try await l.db.one("SELECT workflow_id FROM ad_image WHERE id = \(l.fixture.images[2].id)", as: UUID.self)
            #expect(ids(try await l.client.json(.get, "/api/v1/ad-images?workflow_id=\(workflow)", token: l.token).body) == [all[2]])
            #expect(ids(try await l.client.json(.get, "/api/v1/ad-images?from=2000-01-01&to=2001-01-01", token: l.token).body).isEmpty)
            #expect(ids(try await l.client.json(.get, "/api/v1/ad-images?state=saved", token: l.token).body).isEmpty)

            // Pages of one cover everything once.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await l.client.json(.get, "/api/v1/ad-images?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), token: l.token)
                seen += ids(page.body)
                cursor = page.body["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == all.reversed())

            for bad in ["state=gone", "format=%20", "from=yesterday", "brand_id=1", "limit=0"] {
                let answer = try await l.client.json(.get, "/api/v1/ad-images?\(bad)", token: l.token)
                #expect(answer.status == .unprocessableContent, "\(bad)")
            }
        }
    }

    @Test func eachActionWritesExactlyOneEventWithEverythingFilledAndOnlyWhenItChangesSomething() async throws {
        try await withLibrary { l in
            let image = l.fixture.images[0]
            let path = "/api/v1/ad-images/\(image.id)"
            #expect(try await l.client.json(.post, path + "/save", token: l.token).body["is_saved"] as? Bool == true)
            #expect(try await l.client.json(.post, path + "/save", token: l.token).status == .ok)
            #expect(ids(try await l.client.json(.get, "/api/v1/ad-images?state=saved", token: l.token).body) == [image.id.uuidString.lowercased()])
            #expect(try await l.client.json(.post, path + "/unsave", token: l.token).body["is_saved"] as? Bool == false)

            let deleted = try await l.client.json(.delete, path, token: l.token)
            #expect(deleted.body["days_until_purge"] as? Int == 14)
            let dueInDays = try await l.db.one(
                "SELECT extract(epoch FROM delete_at - now())::float8 / 86400 FROM ad_image WHERE id = \(image.id)", as: Double.self)
            #expect((13.99...14.01).contains(dueInDays))
            #expect(!ids(try await l.client.json(.get, "/api/v1/ad-images", token: l.token).body).contains(image.id.uuidString.lowercased()))
            #expect(ids(try await l.client.json(.get, "/api/v1/ad-images?state=deleted", token: l.token).body) == [image.id.uuidString.lowercased()])
            _ = try await l.client.json(.delete, path, token: l.token)
            #expect(try await l.client.json(.post, path + "/restore", token: l.token).body["delete_at"] is NSNull)

            let share = try await l.client.json(.post, path + "/share", token: l.token)
            #expect((share.body["url"] as? String)?.contains("/s/") == true)
            try await l.client.execute(uri: path + "/download", method: .get, headers: [.authorization: "Bearer \(l.token)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"kettle-co-problem-solution-square-\(image.id.uuidString.prefix(8).lowercased()).webp\"")
                #expect(Data(buffer: response.body) == image.bytes)
            }
            #expect(try await l.db.events(of: image.id) == ["saved/api", "unsaved/api", "deleted/api", "restored/api", "shared/api", "downloaded/api"])
            let unfilled = try await l.db.one(
                """
                SELECT count(*)::int FROM ad_event WHERE ad_image_id = \(image.id)
                  AND (user_id IS NULL OR brand_id IS NULL OR job_id IS NULL OR archetype_code IS NULL OR workflow_id IS NULL)
                """, as: Int.self)
            #expect(unfilled == 0)
        }
    }

    @Test func theWebAppsCookieSessionRecordsEventsWithSourceUI() async throws {
        try await withLibrary { l in
            let image = l.fixture.images[1]
            let headers: HTTPFields = [.cookie: "blumpo_session=\(l.token)", .origin: "http://127.0.0.1:8080"]
            let saved = try await l.client.json(.post, "/api/v1/ad-images/\(image.id)/save", headers: headers)
            #expect(saved.status == .ok)
            #expect(try await l.db.events(of: image.id) == ["saved/ui"])
        }
    }

    @Test func aShareLinkServesTheImageUntilItIsDeletedOrBanned() async throws {
        try await withLibrary { l in
            let (first, second) = (l.fixture.images[0], l.fixture.images[1])
            func shared(_ image: LibraryFixture.Image) async throws -> String {
                let url = try #require(try await l.client.json(.post, "/api/v1/ad-images/\(image.id)/share", token: l.token).body["url"] as? String)
                return String(url[try #require(url.range(of: "/s/")).lowerBound...])
            }
            func status(_ path: String) async throws -> HTTPResponse.Status {
                try await l.client.execute(uri: path, method: .get) { $0.status }
            }
            let link = try await shared(first)
            try await l.client.execute(uri: link, method: .get) { response in
                #expect(response.status == .ok)
                #expect(Data(buffer: response.body) == first.bytes)
                #expect(response.headers[.cacheControl] == "no-store")
            }
            #expect(try await shared(first) == link)
            _ = try await l.client.json(.delete, "/api/v1/ad-images/\(first.id)", token: l.token)
            #expect(try await status(link) == .notFound)

            let other = try await shared(second)
            let (admin, _) = try await l.client.signIn("boss@example.com", db: l.db)
            #expect(try await l.client.json(.post, "/api/v1/admin/ad-images/\(second.id)/ban", token: admin).body["ban_flag"] as? Bool == true)
            #expect(try await status(other) == .notFound)
            #expect(try await status("/s/not-a-token") == .notFound)
        }
    }

    @Test func bulkActionsAreAllOrNothingAndRefuseOtherUsersImagesAndOversizedLists() async throws {
        try await withLibrary { l in
            let mine = l.fixture.images.map { $0.id.uuidString.lowercased() }
            let saved = try await l.client.json(.post, "/api/v1/ad-images/bulk", body: ["action": "save", "ids": mine + [mine[0]]], token: l.token)
            #expect(saved.status == .ok)
            #expect((saved.body["items"] as? [[String: Any]])?.allSatisfy { $0["is_saved"] as? Bool == true } == true)
            for image in l.fixture.images { #expect(try await l.db.events(of: image.id) == ["saved/api"]) }

            let (strangerToken, strangerID) = try await l.client.signIn("stranger@example.com", db: l.db)
            let theirs = try await LibraryFixture.seed(
                l.db, userID: try #require(UUID(uuidString: strangerID)), dataDirectory: l.dataDirectory, specs: [("testimonial", "square")])
            let mixed = try await l.client.json(
                .post, "/api/v1/ad-images/bulk", body: ["action": "delete", "ids": mine + [theirs.images[0].id.uuidString]], token: l.token)
            #expect(mixed.status == .notFound)
            #expect(try await l.db.one("SELECT count(*)::int FROM ad_image WHERE delete_at IS NOT NULL", as: Int.self) == 0)
            #expect(try await l.client.json(.get, "/api/v1/ad-images/\(theirs.images[0].id)", token: l.token).status == .notFound)
            #expect(try await l.client.json(.get, "/api/v1/ad-images/\(l.fixture.images[0].id)", token: strangerToken).status == .notFound)

            let tooMany = (0..<101).map { _ in UUID().uuidString }
            #expect(try await l.client.json(.post, "/api/v1/ad-images/bulk", body: ["action": "save", "ids": tooMany], token: l.token).status == .unprocessableContent)
            #expect(try await l.client.json(.post, "/api/v1/ad-images/bulk", body: ["action": "burn", "ids": mine], token: l.token).status == .unprocessableContent)
            let binned = try await l.client.json(.post, "/api/v1/ad-images/bulk", body: ["action": "delete", "ids": mine], token: l.token)
            #expect((binned.body["items"] as? [[String: Any]])?.count == 3)
            #expect(ids(try await l.client.json(.get, "/api/v1/ad-images?state=deleted", token: l.token).body).count == 3)
        }
    }

    @Test func aBulkDownloadIsAZipAnyUnzipReadsWithOneEventPerImage() async throws {
        try await withLibrary { l in
            let ids = l.fixture.images.map { $0.id.uuidString.lowercased() }
            let zip = try await l.client.execute(
                uri: "/api/v1/ad-images/bulk/download", method: .post,
                headers: [.authorization: "Bearer \(l.token)", .contentType: "application/json"],
                body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["ids": ids]))
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/zip")
                return Data(buffer: response.body)
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("ads-\(UUID().uuidString).zip")
            try zip.write(to: file)
            // Python's zipfile checks every CRC and lists the names.
            let check = try await BlumpoProcess.runProgram("/usr/bin/env", [
                "python3", "-c", "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print('\\n'.join(sorted(z.namelist())))",
                file.path,
            ])
            #expect(check.status == 0, "\(check.output)")
            let names = check.output.split(separator: "\n")
            #expect(names.count == 3)
            #expect(names.allSatisfy { $0.hasPrefix("kettle-co-") && $0.hasSuffix(".webp") })
            for image in l.fixture.images { #expect(try await l.db.events(of: image.id) == ["downloaded/api"]) }
        }
    }

    @Test func clientEventBatchesAreIdempotentPerEventIDAndValidatedWhole() async throws {
        try await withLibrary { l in
            let image = l.fixture.images[0].id.uuidString
            func event(_ id: String, _ type: String = "viewed") -> [String: Any] { ["id": id, "type": type, "ad_image_id": image] }
            let first = try await l.client.json(.post, "/api/v1/ad-events", body: ["events": [event("e1"), event("e2", "review_kept"), event("e3", "review_discarded")]], token: l.token)
            #expect(first.body["recorded"] as? Int == 3)
            // The review was interrupted after sending; the app sends the whole batch again with one more.
            let again = try await l.client.json(.post, "/api/v1/ad-events", body: ["events": [event("e1"), event("e2", "review_kept"), event("e3", "review_discarded"), event("e4")]], token: l.token)
            #expect(again.body["recorded"] as? Int == 1)
            #expect(again.body["duplicates"] as? Int == 3)
            #expect(try await l.db.events(of: l.fixture.images[0].id) == ["viewed/api", "review_kept/api", "review_discarded/api", "viewed/api"])

            for bad: [String: Any] in [
                ["events": [event("x", "saved")]], ["events": []], ["events": [event("")]],
                ["events": (0..<101).map { event("n\($0)") }], ["events": [event("t") .merging(["occurred_at": "1999-01-01T00:00:00Z"]) { $1 }]],
            ] {
                #expect(try await l.client.json(.post, "/api/v1/ad-events", body: bad, token: l.token).status == .unprocessableContent)
            }
            let (otherToken, _) = try await l.client.signIn("other@example.com", db: l.db)
            #expect(try await l.client.json(.post, "/api/v1/ad-events", body: ["events": [event("o1")]], token: otherToken).status == .notFound)
            #expect(try await l.db.events(of: l.fixture.images[0].id).count == 4)
        }
    }

    @Test func aFinishedJobIsNewUntilItsOwnerOpensIt() async throws {
        try await withLibrary { l in
            let path = "/api/v1/generation-jobs/\(l.fixture.jobID)"
            #expect(try await l.client.json(.get, path, token: l.token).body["is_new"] as? Bool == true)
            let viewed = try await l.client.json(.post, path + "/viewed", token: l.token)
            #expect(viewed.body["is_new"] as? Bool == false)
            #expect(viewed.body["viewed_at"] is String)
            let (otherToken, _) = try await l.client.signIn("nosy@example.com", db: l.db)
            #expect(try await l.client.json(.post, path + "/viewed", token: otherToken).status == .notFound)
        }
    }

    @Test func anotherUsersImageIs404OnEveryLibraryRouteAndNothingChanges() async throws {
        try await withLibrary { l in
            let (stranger, _) = try await l.client.signIn("stranger@example.com", db: l.db)
            let id = l.fixture.images[0].id.uuidString.lowercased()
            let routes: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.get, "/api/v1/ad-images/\(id)", nil), (.get, "/api/v1/ad-images/\(id)/download", nil), (.delete, "/api/v1/ad-images/\(id)", nil),
                (.post, "/api/v1/ad-images/\(id)/save", nil), (.post, "/api/v1/ad-images/\(id)/unsave", nil),
                (.post, "/api/v1/ad-images/\(id)/restore", nil), (.post, "/api/v1/ad-images/\(id)/share", nil),
                (.post, "/api/v1/ad-images/bulk", ["action": "save", "ids": [id]]), (.post, "/api/v1/ad-images/bulk/download", ["ids": [id]]),
                (.post, "/api/v1/ad-events", ["events": [["id": "s1", "type": "viewed", "ad_image_id": id]]]),
                (.post, "/api/v1/generation-jobs/\(l.fixture.jobID)/viewed", nil),
            ]
            for (method, path, body) in routes {
                let answer = try await l.client.json(method, path, body: body, token: stranger)
                #expect(answer.status == .notFound, "\(method) \(path)")
            }
            #expect(try await l.db.one("SELECT count(*)::int FROM ad_event", as: Int.self) == 0)
            #expect(try await l.db.one("SELECT count(*)::int FROM ad_image WHERE is_saved OR delete_at IS NOT NULL OR share_token IS NOT NULL", as: Int.self) == 0)
        }
    }
}
