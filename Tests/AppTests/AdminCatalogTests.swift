import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOFoundationCompat
import PostgresNIO
import TestSupport
import Testing

/// Archetypes and workflows: registering an n8n workflow makes it part of what users are offered.
@Suite struct AdminCatalogTests {
    static let admin = ["BLUMPO_ADMIN_EMAILS": "boss@example.com"]

    func archetype(_ code: String, in listing: [String: Any]) -> [String: Any]? {
        (listing["items"] as? [[String: Any]])?.first { $0["code"] as? String == code }
    }

    /// `GET /api/v1/archetypes` (a JSON array) as users see it.
    func offered(_ client: any TestClientProtocol, token: String) async throws -> [String: Any] {
        let items = try await client.execute(uri: "/api/v1/archetypes", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
            (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [[String: Any]] ?? []
        }
        return ["items": items]
    }

    @Test func aRegisteredWorkflowAppearsInTheArchetypesUsersSee() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            let created = try await client.json(
                .post, "/api/v1/admin/archetypes", body: ["code": "before_after", "display_name": "Before / After", "description": "Two states"], token: boss)
            #expect(created.status == .created)
            // No workflow yet: nothing to offer.
            #expect(archetype("before_after", in: try await offered(client, token: boss)) == nil)

            let workflow = try await client.json(
                .post, "/api/v1/admin/workflows",
                body: ["archetype_code": "before_after", "path": "ads/before-after", "variant_key": "v1", "format": "9:16"], token: boss)
            #expect(workflow.status == .created)
            #expect(workflow.body["workflow_uid"] as? String == "n8n:ads/before-after")
            #expect(workflow.body["format"] as? String == "story")
            let id = try #require(workflow.body["id"] as? String)
            #expect(id == id.lowercased())
            let listed = try #require(archetype("before_after", in: try await offered(client, token: boss)))
            #expect(listed["display_name"] as? String == "Before / After")
            #expect(listed["formats"] as? [String] == ["story"])
            #expect((listed["workflows"] as? [[String: Any]])?.first?["workflow_uid"] as? String == "n8n:ads/before-after")

            // Deactivated, it is offered no more; the archetype switched off hides its built-in workflow too.
            let off = try await client.json(.put, "/api/v1/admin/workflows/\(id)", body: ["is_active": false], token: boss)
            #expect(off.body["is_active"] as? Bool == false)
            #expect(archetype("before_after", in: try await offered(client, token: boss)) == nil)
            _ = try await client.json(.put, "/api/v1/admin/archetypes/meme", body: ["is_active": false, "display_name": "Memes"], token: boss)
            #expect(archetype("meme", in: try await offered(client, token: boss)) == nil)
            let all = try await client.json(.get, "/api/v1/admin/archetypes", token: boss)
            let meme = try #require(archetype("meme", in: all.body))
            #expect(meme["is_active"] as? Bool == false && meme["display_name"] as? String == "Memes")
            #expect((meme["workflows"] as? [[String: Any]])?.first?["is_active"] as? Bool == true)

            let actions = try await db.client.query("SELECT action FROM admin_audit ORDER BY id", logger: db.logger).collect().map { try $0.decode(String.self) }
            #expect(actions == ["archetype.create", "workflow.create", "workflow.update", "archetype.update"])
            let before = try await db.one("SELECT before->>'is_active' FROM admin_audit WHERE action = 'workflow.update'", as: String.self)
            #expect(before == "true")
        }
    }

    @Test func editsAreValidatedNamingTheFieldAndDuplicatesConflict() async throws {
        try await withTestApp(environment: Self.admin) { client, db in
            let (boss, _) = try await client.signIn("boss@example.com", db: db)
            let invalid = try await client.json(
                .post, "/api/v1/admin/workflows",
                body: ["archetype_code": "meme", "path": "../../admin", "variant_key": "V 1", "format": "banner"], token: boss)
            #expect(invalid.status == .unprocessableContent)
            #expect(Set((invalid.body["errors"] as? [String: String])?.keys ?? [:].keys) == ["path", "variant_key", "format"])
            for path in ["a//b", "/a", "a/", "a?b=1", "a b", String(repeating: "a", count: 201)] {
                let refused = try await client.json(.post, "/api/v1/admin/workflows", body: ["archetype_code": "meme", "path": path, "variant_key": "v9"], token: boss)
                #expect((refused.body["errors"] as? [String: String])?["path"] != nil, "\(path)")
            }
            let unknown = try await client.json(.post, "/api/v1/admin/workflows", body: ["archetype_code": "nope", "path": "x", "variant_key": "v1"], token: boss)
            #expect((unknown.body["errors"] as? [String: String])?["archetype_code"] != nil)

            let first = try await client.json(.post, "/api/v1/admin/workflows", body: ["archetype_code": "meme", "path": "memes/a", "variant_key": "v2"], token: boss)
            #expect(first.status == .created)
            let duplicate = try await client.json(.post, "/api/v1/admin/workflows", body: ["archetype_code": "meme", "path": "memes/b", "variant_key": "v2"], token: boss)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.body["code"] as? String == "WORKFLOW_EXISTS")
            let builtin = try await db.one("SELECT id FROM ad_workflow WHERE archetype_code = 'meme' AND variant_key = 'builtin'", as: UUID.self)
            let renamed = try await client.json(.put, "/api/v1/admin/workflows/\(builtin)", body: ["variant_key": "v2"], token: boss)
            #expect(renamed.status == .conflict)
            let repointed = try await client.json(.put, "/api/v1/admin/workflows/\(builtin)", body: ["path": "x"], token: boss)
            #expect((repointed.body["errors"] as? [String: String])?["path"] != nil)

            let taken = try await client.json(.post, "/api/v1/admin/archetypes", body: ["code": "meme", "display_name": "Meme again"], token: boss)
            #expect(taken.status == .conflict)
            #expect(taken.body["code"] as? String == "ARCHETYPE_EXISTS")
            let badArchetype = try await client.json(
                .post, "/api/v1/admin/archetypes", body: ["code": "Bad-Code", "display_name": "", "description": String(repeating: "x", count: 1001)], token: boss)
            #expect(Set((badArchetype.body["errors"] as? [String: String])?.keys ?? [:].keys) == ["code", "display_name", "description"])
            #expect(try await client.json(.put, "/api/v1/admin/archetypes/nope", body: ["is_active": true], token: boss).status == .notFound)
            #expect(try await db.one("SELECT count(*)::int FROM admin_audit", as: Int.self) == 1)
        }
    }
}
