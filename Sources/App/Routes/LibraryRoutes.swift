import Accounts
import Audit
import Core
import Foundation
import HTTPTypes
public import Hummingbird
import Library
import NIOCore

/// `/api/v1/ad-images` (the owner's library and its actions), `/api/v1/ad-events` (client
/// events), `/s/{token}` (share links) and `/api/v1/admin/ad-images` (moderation).
struct LibraryRoutes: Sendable {
    let library: LibraryService

    struct Items<Item: Encodable & Sendable>: ResponseEncodable {
        let items: [Item]
    }

    struct BulkRequest: Decodable {
        let action: String?
        let ids: [UUID]
    }

    func register(on router: Router<AppRequestContext>) {
        let images = router.group("api/v1/ad-images", context: AuthenticatedContext.self)
        images.get { request, context -> Page<AdImage> in
            try await library.list(
                userID: context.identity.user.id, filter: try Self.filter(request), cursor: request.uri.queryParameters["cursor"].map(String.init),
                limit: try request.listLimit(default: 30, maximum: 100), logger: context.logger)
        }
        images.get("{id}") { _, context -> AdImage in
            try await library.image(try Self.id(context), userID: context.identity.user.id, logger: context.logger)
        }
        images.get("{id}/download") { _, context -> Response in
            let (image, data, name) = try await library.download(try Self.id(context), userID: context.identity.user.id, source: context.source, logger: context.logger)
            return Self.attachment(data, name: name, type: image.format.map { "image/\($0.lowercased())" } ?? "application/octet-stream")
        }
        for action in ImageAction.allCases where action != .delete {
            images.post("{id}/\(action.rawValue)") { _, context -> AdImage in
                try await library.perform(action, on: try Self.id(context), userID: context.identity.user.id, source: context.source, logger: context.logger)
            }
        }
        images.delete("{id}") { _, context -> AdImage in
            try await library.perform(.delete, on: try Self.id(context), userID: context.identity.user.id, source: context.source, logger: context.logger)
        }
        images.post("{id}/share") { _, context -> ShareLink in
            try await library.share(try Self.id(context), userID: context.identity.user.id, source: context.source, logger: context.logger)
        }
        images.post("bulk") { request, context -> Items<AdImage> in
            let body = try await request.decode(as: BulkRequest.self, context: context)
            guard let name = body.action, let action = ImageAction(rawValue: name) else {
                throw AppError.validation(["action": "must be one of " + ImageAction.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            return Items(items: try await library.perform(action, on: body.ids, userID: context.identity.user.id, source: context.source, logger: context.logger))
        }
        images.post("bulk/download") { request, context -> Response in
            let body = try await request.decode(as: BulkRequest.self, context: context)
            let zip = try await library.downloadZip(body.ids, userID: context.identity.user.id, source: context.source, logger: context.logger)
            let day = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate])
            return Self.attachment(zip, name: "blumpo-ads-\(day).zip", type: "application/zip")
        }

        router.group("api/v1/ad-events", context: AuthenticatedContext.self).post { request, context -> ClientEventResult in
            let batch = try await request.decode(as: ClientEventBatch.self, context: context)
            return try await library.record(batch, userID: context.identity.user.id, source: context.source, logger: context.logger)
        }

        router.get("s/{token}") { _, context -> Response in
            let (image, data) = try await library.sharedFile(token: context.parameters.get("token") ?? "", logger: context.logger)
            return Response(
                status: .ok,
                headers: [
                    .contentType: image.format.map { "image/\($0.lowercased())" } ?? "application/octet-stream", .contentLength: String(data.count),
                    // A ban or a delete must take effect at once: shared copies are not cached.
                    .cacheControl: "no-store", .init("X-Content-Type-Options")!: "nosniff",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }

        let admin = router.group("api/v1/admin/ad-images", context: AdminContext.self)
        admin.get { request, context -> Page<AdImage> in
            let filter = AdminImageFilter(userID: try request.queryID("user_id"), brandID: try request.queryID("brand_id"), banned: try request.queryBool("banned"))
            return try await library.adminList(
                filter, cursor: request.uri.queryParameters["cursor"].map(String.init), limit: try request.listLimit(default: 50, maximum: 200),
                logger: context.logger)
        }
        admin.post("{id}/ban") { _, context -> AdImage in
            try await library.setBanned(try context.parameters.require("id", as: UUID.self), true, actor: context.actor, logger: context.logger)
        }
        admin.post("{id}/unban") { _, context -> AdImage in
            try await library.setBanned(try context.parameters.require("id", as: UUID.self), false, actor: context.actor, logger: context.logger)
        }
    }

    static func filter(_ request: Request) throws -> LibraryFilter {
        var state = LibraryState.active
        if let text = request.queryValue("state") {
            guard let parsed = LibraryState(rawValue: String(text)) else {
                throw AppError.validation(["state": "must be one of " + LibraryState.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            state = parsed
        }
        return LibraryFilter(
            brandID: try request.queryID("brand_id"), jobID: try request.queryID("job_id"), archetype: try request.queryCode("archetype"),
            adFormat: try request.queryCode("format"), workflowID: try request.queryID("workflow_id"), state: state,
            from: try request.queryTime("from"), to: try request.queryTime("to"))
    }

    static func id(_ context: AuthenticatedContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw AppError.notFound("Ad image") }
        return id
    }

    static func attachment(_ data: Data, name: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .contentLength: String(data.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension AuthenticatedContext {
    /// `ui` for the web app (its cookie session), `api` for clients with a bearer token.
    var source: AdEventSource { identity.viaCookie ? .ui : .api }
}

extension AdImage: ResponseEncodable {}
extension ShareLink: ResponseEncodable {}
extension ClientEventResult: ResponseEncodable {}
