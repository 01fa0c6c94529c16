import Database
public import Foundation
import Logging
import PostgresNIO
public import Storage
public import TaskQueue

/// Makes an image's blob match its ban: a banned image's file moves under `hidden/` (its public
/// URL stops answering on every blob store), an unbanned one moves back. Queued in the ban's
/// transaction; it reads the current flag, so a ban and an unban in quick succession end right.
public struct SyncBlobVisibility: TaskHandler {
    public static let kind = "library.blob-visibility"
    public struct Payload: Codable, Sendable {
        public let imageID: UUID
        public init(imageID: UUID) { self.imageID = imageID }
        enum CodingKeys: String, CodingKey { case imageID = "image_id" }
    }
    public let options = TaskKindOptions(maxAttempts: 10)
    let blobs: any BlobStore

    public init(blobs: any BlobStore) {
        self.blobs = blobs
    }

    public static func task(for imageID: UUID) throws -> NewTask {
        try NewTask(kind: kind, payload: Payload(imageID: imageID), uniqueKey: "\(kind):\(imageID.uuidString.lowercased())")
    }

    public func run(_ payload: Payload, context: TaskContext) async throws {
        let store = AdImageStore()
        // Re-read after each move: an unban that landed while the ban's move ran is honoured too.
        for _ in 0..<3 {
            guard let image = try await context.client.withConnection({ try await store.anyImage(payload.imageID, on: $0, logger: context.logger) }),
                !image.isPurged, image.banned != image.blobHidden
            else { return }
            let visible = try BlobKey(image.storageKey)
            let hidden = try BlobKey("hidden/" + image.storageKey)
            let (from, to) = image.banned ? (visible, hidden) : (hidden, visible)
            try await move(from: from, to: to, contentType: visible.contentType)
            try await context.client.withConnection {
                try await store.setBlobHidden(payload.imageID, image.banned, on: $0, logger: context.logger)
            }
        }
    }

    /// Copy, then delete: a crash between the two leaves both copies, and the retry finishes.
    private func move(from: BlobKey, to: BlobKey, contentType: String) async throws {
        if let data = try await blobs.get(from) {
            try await blobs.put(data, key: to, contentType: contentType)
            try await blobs.delete(from)
        }
    }
}
