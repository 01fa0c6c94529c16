import Core
public import Foundation
public import Logging
public import PostgresNIO

/// Archetypes and their workflows (`ad_archetype`, `ad_workflow`).
public struct WorkflowStore: Sendable {
    public init() {}

    public struct Workflow: Sendable {
        public let id: UUID
        public let archetype: String
        public let uid: String
        public let variantKey: String
        public let format: String?
    }

    /// Active workflows of active archetypes: what jobs are planned with.
    public func activeWorkflows(on connection: PostgresConnection, logger: Logger) async throws -> [Workflow] {
        try await connection.query(
            """
            SELECT w.id, w.archetype_code, w.workflow_uid, w.variant_key, w.format FROM ad_workflow w
            JOIN ad_archetype a ON a.code = w.archetype_code
            WHERE w.is_active AND a.is_active ORDER BY w.archetype_code, w.variant_key
            """, logger: logger
        ).collect().map { row in
            let (id, archetype, uid, key, format) = try row.decode((UUID, String, String, String, String?).self)
            return Workflow(id: id, archetype: archetype, uid: uid, variantKey: key, format: format)
        }
    }

    /// `GET /api/v1/archetypes`: archetypes with at least one active workflow.
    public struct ArchetypeListing: Sendable, Encodable {
        public struct WorkflowListing: Sendable, Encodable {
            public let id: String
            public let workflowUID: String
            public let variantKey: String
            public let formats: [String]
            enum CodingKeys: String, CodingKey { case id, formats, workflowUID = "workflow_uid", variantKey = "variant_key" }
        }
        public let code: String
        public let displayName: String
        public let description: String?
        public let workflows: [WorkflowListing]
        public let formats: [String]
        enum CodingKeys: String, CodingKey { case code, description, workflows, formats, displayName = "display_name" }
    }

    public func archetypes(on connection: PostgresConnection, logger: Logger) async throws -> [ArchetypeListing] {
        let workflows = try await activeWorkflows(on: connection, logger: logger)
        let rows = try await connection.query("SELECT code, display_name, description FROM ad_archetype WHERE is_active ORDER BY code", logger: logger).collect()
        return try rows.compactMap { row in
            let (code, name, description) = try row.decode((String, String, String?).self)
            let own = workflows.filter { $0.archetype == code }
            guard !own.isEmpty else { return nil }
            let listings = own.map { workflow in
                ArchetypeListing.WorkflowListing(
                    id: workflow.id.uuidString.lowercased(), workflowUID: workflow.uid, variantKey: workflow.variantKey,
                    formats: workflow.format.map { [$0] } ?? AdFormat.all.map(\.code))
            }
            let formats = AdFormat.all.map(\.code).filter { code in listings.contains { $0.formats.contains(code) } }
            return ArchetypeListing(code: code, displayName: name, description: description, workflows: listings, formats: formats)
        }
    }
}
