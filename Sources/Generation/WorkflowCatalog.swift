public import Audit
import Core
import Database
public import Foundation
public import Logging
public import PostgresNIO

/// Admin edits of archetypes and workflows: validated, saved and audited in one transaction.
/// Workflows registered here are n8n webhooks (`n8n:<path>`); the built-in renderer's come with
/// the product and can be switched off but not re-pointed.
public struct WorkflowCatalog: Sendable {
    let client: PostgresClient
    let store = WorkflowStore()
    let audit = AuditLog()

    public init(client: PostgresClient) {
        self.client = client
    }

    public func archetypes(logger: Logger) async throws -> [AdminArchetype] {
        try await client.withConnection { try await store.allArchetypes(on: $0, logger: logger) }
    }

    public func createArchetype(_ edit: ArchetypeEdit, actor: AuditActor, logger: Logger) async throws -> AdminArchetype {
        try Self.check(edit.problems(creating: true))
        guard let code = edit.code, let name = edit.displayName else { throw AppError.validation(["code": "is required"]) }
        return try await client.transaction(logger: logger) { connection in
            guard try await store.insertArchetype(code, name: name, description: edit.description ?? nil, active: edit.isActive ?? true, on: connection, logger: logger),
                let after = try await store.archetype(code, on: connection, logger: logger)
            else { throw AppError.conflict(code: "ARCHETYPE_EXISTS", detail: "An archetype with code \(code) exists.") }
            try await audit.record(actor, action: "archetype.create", target: AuditTarget("archetype", code), before: nil, after: after, on: connection, logger: logger)
            return after
        }
    }

    public func updateArchetype(_ code: String, _ edit: ArchetypeEdit, actor: AuditActor, logger: Logger) async throws -> AdminArchetype {
        try Self.check(edit.problems(creating: false))
        return try await client.transaction(logger: logger) { connection in
            guard let before = try await store.archetype(code, on: connection, logger: logger) else { throw AppError.notFound("Archetype") }
            try await store.updateArchetype(code, edit, on: connection, logger: logger)
            let after = try await store.archetype(code, on: connection, logger: logger) ?? before
            try await audit.record(actor, action: "archetype.update", target: AuditTarget("archetype", code), before: before, after: after, on: connection, logger: logger)
            return after
        }
    }

    public func createWorkflow(_ edit: WorkflowEdit, actor: AuditActor, logger: Logger) async throws -> AdminWorkflow {
        try Self.check(edit.problems(creating: true))
        guard let archetype = edit.archetypeCode, let path = edit.path, let key = edit.variantKey else { throw AppError.validation(["path": "is required"]) }
        return try await client.transaction(logger: logger) { connection in
            guard try await store.archetype(archetype, on: connection, logger: logger) != nil else {
                throw AppError.validation(["archetype_code": "is not an archetype"])
            }
            guard let after = try await store.insertWorkflow(
                archetype: archetype, uid: "n8n:" + path, variantKey: key, format: edit.formatCode, active: edit.isActive ?? true, on: connection, logger: logger)
            else { throw Self.variantKeyTaken(key, archetype: archetype) }
            try await audit.record(actor, action: "workflow.create", target: AuditTarget("workflow", after.id), before: nil, after: after, on: connection, logger: logger)
            return after
        }
    }

    public func updateWorkflow(_ id: UUID, _ edit: WorkflowEdit, actor: AuditActor, logger: Logger) async throws -> AdminWorkflow {
        try Self.check(edit.problems(creating: false))
        return try await client.transaction(logger: logger) { connection in
            guard let before = try await store.workflow(id, on: connection, logger: logger) else { throw AppError.notFound("Workflow") }
            if edit.path != nil, case .builtin = WorkflowRunnerKind(uid: before.workflowUID) {
                throw AppError.validation(["path": "built-in workflows have no path; register an n8n workflow instead"])
            }
            if let key = edit.variantKey, try await store.variantKeyTaken(key, archetype: before.archetypeCode, except: id, on: connection, logger: logger) {
                throw Self.variantKeyTaken(key, archetype: before.archetypeCode)
            }
            do {
                try await store.updateWorkflow(
                    id, uid: edit.path.map { "n8n:" + $0 }, variantKey: edit.variantKey, formatGiven: edit.format != nil, format: edit.formatCode,
                    active: edit.isActive, on: connection, logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                // Another admin took the key between the check above and this update.
                throw Self.variantKeyTaken(edit.variantKey ?? before.variantKey, archetype: before.archetypeCode)
            }
            let after = try await store.workflow(id, on: connection, logger: logger) ?? before
            try await audit.record(actor, action: "workflow.update", target: AuditTarget("workflow", id), before: before, after: after, on: connection, logger: logger)
            return after
        }
    }

    static func check(_ problems: [String: String]) throws {
        guard problems.isEmpty else { throw AppError.validation(problems) }
    }

    static func variantKeyTaken(_ key: String, archetype: String) -> AppError {
        .conflict(code: "WORKFLOW_EXISTS", detail: "The archetype \(archetype) already has a workflow with variant key \(key).")
    }
}
