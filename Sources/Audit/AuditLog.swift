import Core
public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `admin_audit`. `record` takes the caller's connection so the audit row commits with
/// the change it describes, or not at all.
public struct AuditLog: Sendable {
    public init() {}

    /// Filters of the audit list; nil matches everything.
    public struct Filter: Sendable {
        public var targetType: String?
        public var targetID: String?
        public var actorID: UUID?
        public var action: String?

        public init(targetType: String? = nil, targetID: String? = nil, actorID: UUID? = nil, action: String? = nil) {
            self.targetType = targetType
            self.targetID = targetID
            self.actorID = actorID
            self.action = action
        }
    }

    /// Writes one audit row. `before` and `after` are any encodable view of the object (what the
    /// admin API answers), so the log shows exactly what an admin saw change.
    public func record(
        _ actor: AuditActor, action: String, target: AuditTarget, before: (any Encodable & Sendable)?, after: (any Encodable & Sendable)?,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO admin_audit (actor_id, actor_email, action, target_type, target_id, before, after)
            VALUES (\(actor.id), \(actor.email), \(action), \(target.type), \(target.id), \(try Self.json(before))::jsonb, \(try Self.json(after))::jsonb)
            """, logger: logger)
    }

    /// Newest first, continuing below `beforeID` (a cursor the list made).
    public func list(
        _ filter: Filter, beforeID: Int64, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [AuditEntry] {
        try await connection.query(
            """
            SELECT id, created_at, actor_id, actor_email, action, target_type, target_id, before::text, after::text FROM admin_audit
            WHERE id < \(beforeID) AND (\(filter.targetType)::text IS NULL OR target_type = \(filter.targetType))
              AND (\(filter.targetID)::text IS NULL OR target_id = \(filter.targetID))
              AND (\(filter.actorID)::uuid IS NULL OR actor_id = \(filter.actorID))
              AND (\(filter.action)::text IS NULL OR action = \(filter.action))
            ORDER BY id DESC LIMIT \(limit)
            """, logger: logger
        ).collect().map { row in
            let c = row.makeRandomAccess()
            return AuditEntry(
                id: try c[0].decode(Int64.self), createdAt: try c[1].decode(Date.self), actorID: try c[2].decode(UUID?.self),
                actorEmail: try c[3].decode(String.self), action: try c[4].decode(String.self), targetType: try c[5].decode(String.self),
                targetID: try c[6].decode(String?.self), before: JSONValue(storedText: try c[7].decode(String?.self)),
                after: JSONValue(storedText: try c[8].decode(String?.self)))
        }
    }

    static func json(_ value: (any Encodable & Sendable)?) throws -> String? {
        guard let value else { return nil }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
