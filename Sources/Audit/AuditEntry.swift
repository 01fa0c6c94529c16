public import Core
public import Foundation

/// Who made an admin change.
public struct AuditActor: Sendable, Equatable {
    /// Nil for an operator at the command line, who is no user.
    public let id: UUID?
    public let email: String

    public init(id: UUID?, email: String) {
        self.id = id
        self.email = email
    }

    /// An operator running `blumpo` on the server; `who` is their login name when known.
    public static func commandLine(_ who: String? = nil) -> AuditActor {
        AuditActor(id: nil, email: who.map { "cli:\($0.prefix(64))" } ?? "cli")
    }
}

/// What an admin change was about: a kind of object and its id (`plan` / `GROWTH`,
/// `ad_image` / a UUID).
public struct AuditTarget: Sendable, Equatable {
    public let type: String
    public let id: String?

    public init(_ type: String, _ id: String?) {
        self.type = type
        self.id = id
    }

    public init(_ type: String, _ id: UUID) {
        self.init(type, id.uuidString.lowercased())
    }
}

/// An `admin_audit` row: the object before and after the change, as the API showed it.
public struct AuditEntry: Sendable, Encodable {
    public let id: Int64
    public let createdAt: Date
    public let actorID: UUID?
    public let actorEmail: String
    public let action: String
    public let targetType: String
    public let targetID: String?
    public let before: JSONValue?
    public let after: JSONValue?

    enum CodingKeys: String, CodingKey {
        case id, action, before, after
        case createdAt = "created_at", actorID = "actor_id", actorEmail = "actor_email", targetType = "target_type", targetID = "target_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encodeID(actorID, forKey: .actorID)
        try c.encode(actorEmail, forKey: .actorEmail)
        try c.encode(action, forKey: .action)
        try c.encode(targetType, forKey: .targetType)
        try c.encode(targetID, forKey: .targetID)
        try c.encode(before, forKey: .before)
        try c.encode(after, forKey: .after)
    }
}
