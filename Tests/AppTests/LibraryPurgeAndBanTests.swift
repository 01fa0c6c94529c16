import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Library
import Logging
import NIOCore
import PostgresNIO
import Storage
import Synchronization
import TaskQueue
import TestSupport
import Testing

/// A blob store that removes the file and then fails, as a process killed between the blob
/// delete and the row update would leave things.
final class CrashAfterDelete: BlobStore {
    let inner: LocalBlobStore
    let crashes = Mutex(1)
    init(inner: LocalBlobStore) { self.inner = inner }
    struct Crash: Error {}
    func put(_ data: Data, key: BlobKey, contentType: String) async throws -> String { try await inner.put(data, key: key, contentType: contentType) }
    func get(_ key: BlobKey) async throws -> Data? { try await inner.get(key) }
    func head(_ key: BlobKey) async throws -> BlobInfo? { try await inner.head(key) }
    func delete(_ key: BlobKey) async throws {
        try await inner.delete(key)
        if crashes.withLock({ left in defer { left -= 1 }; return left > 0 }) { throw Crash() }
    }
    func publicURL(for key: BlobKey) -> String { inner.publicURL(for: key) }
    func key(forPublicURL url: String) -> BlobKey? { inner.key(forPublicURL: url) }
}

@Suite struct LibraryPurgeAndBanTests {
    private func store(_ l: LibraryContext) -> LocalBlobStore {
        LocalBlobStore(directory: l.dataDirectory + "/blobs", baseURL: "http://127.0.0.1:8080/blobs")
    }

    private func context(_ l: LibraryContext, _ kind: String) -> TaskContext {
        TaskContext(kind: kind, logger: l.db.logger, client: l.db.client)
    }

    private func fileExists(_ l: LibraryContext, _ key: String) -> Bool {
        FileManager.default.fileExists(atPath: l.dataDirectory + "/blobs/" + key)
    }

    @Test func thePurgeRemovesDueFilesKeepsRowsAndWritesOneAutoDeleteEvenAfterACrashOrAMissingFile() async throws {
        try await withLibrary { l in
            let (crashing, missing, notDue) = (l.fixture.images[0], l.fixture.images[1], l.fixture.images[2])
            for image in [crashing, missing, notDue] { _ = try await l.client.json(.delete, "/api/v1/ad-images/\(image.id)", token: l.token) }
            try await l.db.execute("UPDATE ad_image SET delete_at = now() - interval '1 minute' WHERE id IN (\(crashing.id), \(missing.id))")
            try FileManager.default.removeItem(atPath: l.dataDirectory + "/blobs/" + missing.key)

            // The first delete "crashes" after the file is gone: that image's transaction rolls
            // back and the run goes on with the others.
            let purge = PurgeBinnedImages(blobs: CrashAfterDelete(inner: store(l)))
            try await purge.run(EmptyPayload(), context: context(l, PurgeBinnedImages.kind))
            #expect(try await l.db.one("SELECT count(*)::int FROM ad_image WHERE is_deleted", as: Int.self) == 1)
            #expect(!(try await l.db.one("SELECT is_deleted FROM ad_image WHERE id = \(crashing.id)", as: Bool.self)))
            #expect(!fileExists(l, crashing.key))

            // The next tick finishes it: a file already gone is not an error, and the event is written once.
            try await purge.run(EmptyPayload(), context: context(l, PurgeBinnedImages.kind))
            try await purge.run(EmptyPayload(), context: context(l, PurgeBinnedImages.kind))
            for image in [crashing, missing] {
                #expect(try await l.db.one("SELECT is_deleted FROM ad_image WHERE id = \(image.id)", as: Bool.self))
                #expect(try await l.db.events(of: image.id) == ["deleted/api", "auto_delete/cron_cleanup"])
                #expect(!fileExists(l, image.key))
            }
            #expect(fileExists(l, notDue.key))
            #expect(try await l.db.events(of: notDue.id) == ["deleted/api"])

            // Purged images leave the library; restoring one is a conflict that says why.
            #expect(try await l.client.json(.get, "/api/v1/ad-images?state=deleted", token: l.token).body["items"] as? [Any] != nil)
            let restore = try await l.client.json(.post, "/api/v1/ad-images/\(crashing.id)/restore", token: l.token)
            #expect(restore.status == .conflict)
            #expect(restore.body["code"] as? String == "IMAGE_PURGED")
            #expect(try await l.client.json(.get, "/api/v1/ad-images/\(crashing.id)", token: l.token).status == .notFound)
        }
    }

    @Test func aBannedImageLeavesTheLibraryAndItsPublicURLUntilUnbannedAndEveryChangeIsAudited() async throws {
        try await withLibrary { l in
            let image = l.fixture.images[0]
            let (admin, _) = try await l.client.signIn("boss@example.com", db: l.db)
            let blobStatus = { try await l.client.execute(uri: "/blobs/\(image.key)", method: .get) { $0.status } }
            #expect(try await blobStatus() == .ok)

            #expect(try await l.client.json(.post, "/api/v1/admin/ad-images/\(image.id)/ban", token: l.token).status == .notFound)
            #expect(try await l.client.json(.post, "/api/v1/admin/ad-images/\(image.id)/ban", token: admin).status == .ok)
            #expect(try await l.client.json(.get, "/api/v1/ad-images/\(image.id)", token: l.token).status == .notFound)
            let listed = try await l.client.json(.get, "/api/v1/ad-images", token: l.token).body["items"] as? [[String: Any]] ?? []
            #expect(!listed.contains { $0["id"] as? String == image.id.uuidString.lowercased() })
            let banned = try await l.client.json(.get, "/api/v1/admin/ad-images?banned=true", token: admin).body["items"] as? [[String: Any]] ?? []
            #expect(banned.map { $0["id"] as? String } == [image.id.uuidString.lowercased()])

            // The purge's tick queues a repair for any ban whose file has not moved yet.
            try await l.db.execute("DELETE FROM queue_task WHERE kind = \(SyncBlobVisibility.kind)")
            try await PurgeBinnedImages(blobs: store(l)).run(EmptyPayload(), context: context(l, PurgeBinnedImages.kind))
            #expect(try await l.db.one("SELECT count(*)::int FROM queue_task WHERE kind = \(SyncBlobVisibility.kind)", as: Int.self) == 1)

            // The ban's task moves the file out of public reach.
            let sync = SyncBlobVisibility(blobs: store(l))
            try await sync.run(.init(imageID: image.id), context: context(l, SyncBlobVisibility.kind))
            #expect(try await blobStatus() == .notFound)
            #expect(try await l.client.execute(uri: "/blobs/hidden/\(image.key)", method: .get) { $0.status } == .notFound)

            #expect(try await l.client.json(.post, "/api/v1/admin/ad-images/\(image.id)/unban", token: admin).status == .ok)
            try await sync.run(.init(imageID: image.id), context: context(l, SyncBlobVisibility.kind))
            #expect(try await blobStatus() == .ok)
            #expect(try await l.client.json(.get, "/api/v1/ad-images/\(image.id)", token: l.token).status == .ok)

            let audit = try await l.db.client.query(
                "SELECT action, before->>'ban_flag', after->>'ban_flag', actor_email FROM admin_audit WHERE target_id = \(image.id.uuidString.lowercased()) ORDER BY id",
                logger: l.db.logger
            ).collect().map { try $0.decode((String, String?, String?, String).self) }
            #expect(audit.map(\.0) == ["image.ban", "image.unban"])
            #expect(audit.map(\.1) == ["false", "true"])
            #expect(audit.map(\.2) == ["true", "false"])
            #expect(audit.allSatisfy { $0.3 == "boss@example.com" })
            #expect(try await l.db.one("SELECT count(*)::int FROM queue_task WHERE kind = \(SyncBlobVisibility.kind)", as: Int.self) >= 1)
        }
    }
}
