import Core
public import Foundation
public import Logging
public import PostgresNIO

/// The admin side of `ad_archetype` and `ad_workflow`: every row, active or not, and the edits.
extension WorkflowStore {
    static let archetypeColumns = "code, display_name, description, is_active, created_at, updated_at"
    static let workflowColumns = "id, archetype_code, workflow_uid, variant_key, format, is_active, created_at, updated_at"

    static func decodeArchetype(_ row: PostgresRow) throws -> AdminArchetype {
        let (code, name, description, active, created, updated) = try row.decode((String, String, String?, Bool, Date, Date).self)
        return AdminArchetype(code: code, displayName: name, description: description, isActive: active, createdAt: created, updatedAt: updated, workflows: [])
    }

    static func decodeWorkflow(_ row: PostgresRow) throws -> AdminWorkflow {
        let (id, archetype, uid, key, format, active, created, updated) = try row.decode((UUID, String, String, String, String?, Bool, Date, Date).self)
        return AdminWorkflow(
            id: id, archetypeCode: archetype, workflowUID: uid, variantKey: key, format: format, isActive: active, createdAt: created, updatedAt: updated)
    }

    public func allArchetypes(on connection: PostgresConnection, logger: Logger) async throws -> [AdminArchetype] {
        let workflows = try await connection.query(
            "SELECT \(unescaped: Self.workflowColumns) FROM ad_workflow ORDER BY archetype_code, variant_key", logger: logger
        ).collect().map(Self.decodeWorkflow)
        return try await connection.query("SELECT \(unescaped: Self.archetypeColumns) FROM ad_archetype ORDER BY code", logger: logger)
            .collect().map { row in
                var archetype = try Self.decodeArchetype(row)
                archetype.workflows = workflows.filter { $0.archetypeCode == archetype.code }
                return archetype
            }
    }

    public func archetype(_ code: String, on connection: PostgresConnection, logger: Logger) async throws -> AdminArchetype? {
        try await connection.query("SELECT \(unescaped: Self.archetypeColumns) FROM ad_archetype WHERE code = \(code) FOR UPDATE", logger: logger)
            .collect().first.map(Self.decodeArchetype)
    }

    /// False when the code is taken.
    func insertArchetype(_ code: String, name: String, description: String?, active: Bool, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query(
            """
            INSERT INTO ad_archetype (code, display_name, description, is_active) VALUES (\(code), \(name), \(description), \(active))
            ON CONFLICT (code) DO NOTHING RETURNING code
            """, logger: logger
        ).collect().count == 1
    }

    /// Nil fields keep their value; `description` `.some(nil)` clears it.
    func updateArchetype(_ code: String, _ edit: ArchetypeEdit, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE ad_archetype SET display_name = coalesce(\(edit.displayName), display_name),
                description = CASE WHEN \(edit.description != nil) THEN \(edit.description ?? nil) ELSE description END,
                is_active = coalesce(\(edit.isActive), is_active)
            WHERE code = \(code)
            """, logger: logger)
    }

    public func workflow(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> AdminWorkflow? {
        try await connection.query("SELECT \(unescaped: Self.workflowColumns) FROM ad_workflow WHERE id = \(id) FOR UPDATE", logger: logger)
            .collect().first.map(Self.decodeWorkflow)
    }

    /// Nil when the archetype already has this variant key.
    func insertWorkflow(
        archetype: String, uid: String, variantKey: String, format: String?, active: Bool, on connection: PostgresConnection, logger: Logger
    ) async throws -> AdminWorkflow? {
        try await connection.query(
            """
            INSERT INTO ad_workflow (archetype_code, workflow_uid, variant_key, format, is_active)
            VALUES (\(archetype), \(uid), \(variantKey), \(format), \(active))
            ON CONFLICT (archetype_code, variant_key) DO NOTHING RETURNING \(unescaped: Self.workflowColumns)
            """, logger: logger
        ).collect().first.map(Self.decodeWorkflow)
    }

    /// Whether another workflow of the archetype has this variant key.
    func variantKeyTaken(_ key: String, archetype: String, except id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query(
            "SELECT 1 FROM ad_workflow WHERE archetype_code = \(archetype) AND variant_key = \(key) AND id <> \(id)", logger: logger
        ).collect().count > 0
    }

    func updateWorkflow(
        _ id: UUID, uid: String?, variantKey: String?, formatGiven: Bool, format: String?, active: Bool?, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE ad_workflow SET workflow_uid = coalesce(\(uid), workflow_uid), variant_key = coalesce(\(variantKey), variant_key),
                format = CASE WHEN \(formatGiven) THEN \(format) ELSE format END, is_active = coalesce(\(active), is_active)
            WHERE id = \(id)
            """, logger: logger)
    }
}
