import Database
import Foundation
import Logging
import PostgresNIO
public import Storage
public import TaskQueue

/// Empties the bin: images past `delete_at` lose their file, keep their row (`is_deleted`) and
/// get one `auto_delete` event. Each image is handled in its own transaction that holds the row
/// lock while the file is removed, so a restore cannot slip in between; a crash after the file
/// went leaves the row due, and the next run finishes it (a missing file is not an error, and
/// the event is unique per image).
public struct PurgeBinnedImages: TaskHandler {
    public static let kind = "library.purge"
    public typealias Payload = EmptyPayload
    public let options = TaskKindOptions(maxAttempts: 3, concurrency: 1)
    let blobs: any BlobStore
    let batch: Int

    public init(blobs: any BlobStore, batch: Int = 500) {
        self.blobs = blobs
        self.batch = batch
    }

    public func run(_ payload: EmptyPayload, context: TaskContext) async throws {
        // A bounded run per tick; a larger backlog continues on the next tick.
        var purged = 0
        var failed: [UUID] = []
        while purged + failed.count < batch, !Task.isCancelled {
            do {
                guard try await purgeOne(context, skipping: failed) != nil else { break }
                purged += 1
            } catch let error as PurgeFailure {
                // One image the store keeps refusing must not stop the bin from emptying.
                failed.append(error.imageID)
                context.logger.warning("purging an image failed; next tick retries it", metadata: ["image.id": "\(error.imageID)", "error": "\(error.cause)"])
            }
        }
        if purged > 0 { context.logger.info("purged binned images", metadata: ["count": "\(purged)"]) }
        // The same tick repairs bans whose file move was lost (a task that ended early or raced).
        try await context.client.transaction(logger: context.logger) { connection in
            let stray = try await AdImageStore().visibilityMismatches(limit: batch, on: connection, logger: context.logger)
            try await TaskStore().enqueue(try stray.map(SyncBlobVisibility.task(for:)), on: connection, logger: context.logger)
        }
    }

    struct PurgeFailure: Error {
        let imageID: UUID
        let cause: any Error
    }

    /// Purges the most overdue image not in `skipping`; nil when none is due.
    func purgeOne(_ context: TaskContext, skipping: [UUID]) async throws -> UUID? {
        try await context.client.transaction(logger: context.logger) { connection in
            guard let image = try await AdImageStore().dueForPurge(limit: 1, skipping: skipping, on: connection, logger: context.logger).first else {
                return nil
            }
            do {
                // Both places a file can be: a ban's move may have been interrupted half-way.
                try await blobs.delete(try BlobKey(image.storageKey))
                try await blobs.delete(try BlobKey("hidden/" + image.storageKey))
            } catch {
                throw PurgeFailure(imageID: image.id, cause: error)
            }
            try await AdImageStore().markPurged(image.id, on: connection, logger: context.logger)
            try await AdEventStore().recordAutoDelete(image, on: connection, logger: context.logger)
            return image.id
        }
    }
}
