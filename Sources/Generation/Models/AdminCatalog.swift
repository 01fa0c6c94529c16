import Core
public import Foundation

/// An `ad_workflow` row as admins see and edit it.
public struct AdminWorkflow: Sendable, Encodable, Equatable {
    public let id: UUID
    public let archetypeCode: String
    public let workflowUID: String
    public let variantKey: String
    /// Nil: every format.
    public let format: String?
    public let isActive: Bool
    public let createdAt: Date
    public let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, format
        case archetypeCode = "archetype_code", workflowUID = "workflow_uid", variantKey = "variant_key", isActive = "is_active"
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(id, forKey: .id)
        try c.encode(archetypeCode, forKey: .archetypeCode)
        try c.encode(workflowUID, forKey: .workflowUID)
        try c.encode(variantKey, forKey: .variantKey)
        try c.encode(format, forKey: .format)
        try c.encode(isActive, forKey: .isActive)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

/// An `ad_archetype` row with every workflow of it, active or not.
public struct AdminArchetype: Sendable, Encodable, Equatable {
    public let code: String
    public let displayName: String
    public let description: String?
    public let isActive: Bool
    public let createdAt: Date
    public let updatedAt: Date
    public var workflows: [AdminWorkflow]

    enum CodingKeys: String, CodingKey {
        case code, description, workflows
        case displayName = "display_name", isActive = "is_active", createdAt = "created_at", updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(description, forKey: .description)
        try c.encode(isActive, forKey: .isActive)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(workflows, forKey: .workflows)
    }
}
