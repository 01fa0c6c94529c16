import Audit
import Core
import Foundation
import Generation
import HTTPTypes
public import Hummingbird

/// `/api/v1/admin/archetypes` and `/api/v1/admin/workflows`: every archetype with its workflows,
/// creating and editing archetypes, registering and editing n8n workflows.
struct AdminCatalogRoutes: Sendable {
    let catalog: WorkflowCatalog

    struct Items: ResponseEncodable {
        let items: [AdminArchetype]
    }

    func register(on router: Router<AppRequestContext>) {
        let admin = router.group("api/v1/admin", context: AdminContext.self)
        admin.get("archetypes") { _, context -> Items in
            Items(items: try await catalog.archetypes(logger: context.logger))
        }
        admin.post("archetypes") { request, context -> EditedResponse<AdminArchetype> in
            let edit = try await request.decode(as: ArchetypeEdit.self, context: context)
            return EditedResponse(status: .created, response: try await catalog.createArchetype(edit, actor: context.actor, logger: context.logger))
        }
        admin.put("archetypes/{code}") { request, context -> AdminArchetype in
            let edit = try await request.decode(as: ArchetypeEdit.self, context: context)
            return try await catalog.updateArchetype(try context.parameters.require("code"), edit, actor: context.actor, logger: context.logger)
        }
        admin.post("workflows") { request, context -> EditedResponse<AdminWorkflow> in
            let edit = try await request.decode(as: WorkflowEdit.self, context: context)
            return EditedResponse(status: .created, response: try await catalog.createWorkflow(edit, actor: context.actor, logger: context.logger))
        }
        admin.put("workflows/{id}") { request, context -> AdminWorkflow in
            let edit = try await request.decode(as: WorkflowEdit.self, context: context)
            return try await catalog.updateWorkflow(try context.parameters.require("id", as: UUID.self), edit, actor: context.actor, logger: context.logger)
        }
    }
}

extension AdminArchetype: ResponseEncodable {}
extension AdminWorkflow: ResponseEncodable {}
