public import Audit
public import Core
import Database
public import Foundation
public import Logging
import PostgresNIO
import TaskQueue

/// Admin moderation of images: the list across users, ban and unban.
extension LibraryService {
    public func adminList(_ filter: AdminImageFilter, cursor: String?, limit: Int, logger: Logger) async throws -> Page<AdImage> {
        let after = try Keyset(cursor: cursor)
        let rows = try await client.withConnection { try await images.adminList(filter, after: after, limit: limit + 1, on: $0, logger: logger) }
        return Page(rows: rows, limit: limit) { ($0.createdAt, $0.id) }
    }

    /// A banned image leaves its owner's library and its share link at once; its file moves
    /// out of public reach in the background (`SyncBlobVisibility`). Unbanning reverses both.
    public func setBanned(_ id: UUID, _ banned: Bool, actor: AuditActor, logger: Logger) async throws -> AdImage {
        try await client.transaction(logger: logger) { connection in
            guard let before = try await images.anyImage(id, forUpdate: true, on: connection, logger: logger) else { throw AppError.notFound("Ad image") }
            guard try await images.setBanned(id, banned, on: connection, logger: logger) else { return before }
            try await TaskStore().enqueue([try SyncBlobVisibility.task(for: id)], on: connection, logger: logger)
            let after = try await images.anyImage(id, on: connection, logger: logger) ?? before
            try await AuditLog().record(
                actor, action: banned ? "image.ban" : "image.unban", target: AuditTarget("ad_image", id), before: before, after: after,
                on: connection, logger: logger)
            return after
        }
    }
}

public struct AdminImageFilter: Sendable {
    public var userID: UUID?
    public var brandID: UUID?
    public var banned: Bool?

    public init(userID: UUID? = nil, brandID: UUID? = nil, banned: Bool? = nil) {
        self.userID = userID
        self.brandID = brandID
        self.banned = banned
    }
}
