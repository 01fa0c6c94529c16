import Audit
import Core
import Foundation
public import Hummingbird
import PostgresNIO

/// `GET /api/v1/admin/audit`: every admin change, newest first, filtered by target, actor or action.
struct AdminAuditRoutes: Sendable {
    let client: PostgresClient

    func register(on router: Router<AppRequestContext>) {
        router.group("api/v1/admin/audit", context: AdminContext.self).get { request, context -> Page<AuditEntry> in
            let filter = AuditLog.Filter(
                targetType: try request.queryCode("target_type"), targetID: try Self.targetID(request),
                actorID: try request.queryID("actor_id"), action: try Self.action(request))
            let limit = try request.listLimit(default: 50, maximum: 200)
            var before = Int64.max
            if let cursor = request.uri.queryParameters["cursor"] {
                guard cursor.utf8.count <= 20, let id = Int64(String(cursor)), id > 0 else { throw AppError.invalidCursor }
                before = id
            }
            let entries = try await client.withConnection { [before] connection in
                try await AuditLog().list(filter, beforeID: before, limit: limit + 1, on: connection, logger: context.logger)
            }
            let items = Array(entries.prefix(limit))
            return Page(items: items, nextCursor: entries.count > limit ? items.last.map { String($0.id) } : nil)
        }
    }

    /// Target ids are uuids, plan codes or numbers: short printable text.
    static func targetID(_ request: Request) throws -> String? {
        guard let text = request.uri.queryParameters["target_id"] else { return nil }
        guard (1...200).contains(text.utf8.count), text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }) else {
            throw AppError.validation(["target_id": "must be 1 to 200 printable ASCII characters"])
        }
        return String(text)
    }

    /// Actions are `<kind>.<verb>` (`plan.put`, `user.ban`).
    static func action(_ request: Request) throws -> String? {
        guard let text = request.uri.queryParameters["action"] else { return nil }
        guard (1...64).contains(text.utf8.count), text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || $0 == "_" || $0 == "." }) else {
            throw AppError.validation(["action": "must be 1 to 64 of a-z, _ and ."])
        }
        return String(text)
    }
}

extension AuditEntry: ResponseEncodable {}
