import Accounts
import Core
import Foundation
import Generation
import Library
import HTTPTypes
public import Hummingbird
import NIOCore
import NIOFoundationCompat
import PostgresNIO
import Signing

/// `/api/v1/archetypes`, `/api/v1/generation-jobs` and `/api/v1/ad-images`.
struct GenerationRoutes: Sendable {
    let jobs: JobService
    let callbacks: N8NCallbacks?
    let events: JobEventHub

    func register(on router: Router<AppRequestContext>) {
        router.get("api/v1/archetypes") { _, context -> [WorkflowStore.ArchetypeListing] in
            try await jobs.archetypes(logger: context.logger)
        }

        let group = router.group("api/v1/generation-jobs", context: AuthenticatedContext.self)
        group.post { request, context -> EditedResponse<JobDetail> in
            let raw = try await request.body.collect(upTo: 1 << 20)
            let body = try APIRequestDecoder.decode(CreateJobRequest.self, from: Data(buffer: raw))
            let created = try await jobs.create(
                userID: context.identity.user.id, request: body, fingerprint: JobService.fingerprint(of: Data(buffer: raw)), idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!], logger: context.logger)
            var headers: HTTPFields = [.location: "/api/v1/generation-jobs/\(created.detail.job.id.uuidString.lowercased())"]
            if created.replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
            return EditedResponse(status: created.replayed ? .ok : .created, headers: headers, response: created.detail)
        }
        group.get { request, context -> Page<GenerationJob> in
            let query = request.uri.queryParameters
            let limit = try request.listLimit(default: 20, maximum: 100)
            var brandID: UUID?
            if let text = query["brand_id"] {
                guard let id = UUID(uuidString: String(text)) else { throw AppError.validation(["brand_id": "must be a brand id"]) }
                brandID = id
            }
            var status: JobStatus?
            if let text = query["status"] {
                guard let parsed = JobStatus(rawValue: String(text).uppercased()) else {
                    throw AppError.validation(["status": "must be one of " + JobStatus.allCases.map(\.rawValue).joined(separator: ", ")])
                }
                status = parsed
            }
            return try await jobs.list(
                userID: context.identity.user.id, brandID: brandID, status: status, cursor: query["cursor"].map(String.init), limit: limit,
                logger: context.logger)
        }
        group.get("{id}") { _, context -> JobDetail in
            try await jobs.detail(try Self.id(context, "Generation job"), userID: context.identity.user.id, logger: context.logger)
        }
        group.post("{id}/cancel") { _, context -> JobDetail in
            try await jobs.cancel(try Self.id(context, "Generation job"), userID: context.identity.user.id, logger: context.logger)
        }
        group.post("{id}/viewed") { _, context -> JobDetail in
            try await jobs.markViewed(try Self.id(context, "Generation job"), userID: context.identity.user.id, logger: context.logger)
        }
        group.get("{id}/events") { _, context -> Response in
            let id = try Self.id(context, "Generation job")
            let userID = context.identity.user.id
            _ = try await jobs.detail(id, userID: userID, logger: context.logger)
            let (watchID, changes) = try await events.watch(jobID: id, userID: userID)
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { [jobs, events, logger = context.logger] writer in
                    await events.begin(watchID)
                    do {
                        try await JobEventStream(jobs: jobs, jobID: id, userID: userID, changes: changes, logger: logger).write(to: &writer)
                    } catch {
                        await events.stopWatching(watchID)
                        throw error
                    }
                    await events.stopWatching(watchID)
                })
        }


        // Only routed when n8n is configured: nothing else calls back.
        if let callbacks {
            router.post("api/v1/workflows/callback") { request, context -> HTTPResponse.Status in
                // A missing, malformed or stale signature is refused before the (up to 20 MB) body is read.
                let signature = request.headers[HTTPField.Name("X-Blumpo-Signature")!]
                guard let signature, (try? TimestampedSignature.fresh(header: signature)) != nil else {
                    throw AppError.unauthorized(code: "SIGNATURE_INVALID", detail: "The callback signature is missing, malformed or stale.")
                }
                let body = try await request.body.collect(upTo: 20 << 20)
                try await callbacks.handle(body: Array(buffer: body), signature: signature, logger: context.logger)
                return .noContent
            }
        }
    }

    static func id(_ context: AuthenticatedContext, _ what: String) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw AppError.notFound(what) }
        return id
    }
}

/// Server-sent events for one job: `progress` whenever a variant ends, `image` for each new
/// image, `finished` once, then the stream closes. The job is re-read only when the shared
/// poller (`JobEventHub`) saw its progress change.
struct JobEventStream {
    let jobs: JobService
    let jobID: UUID
    let userID: UUID
    let changes: AsyncStream<Void>
    let logger: Logger

    func write(to writer: inout any ResponseBodyWriter) async throws {
        var sentImages: Set<UUID> = []
        var lastProgress = (-1, -1)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        for await _ in changes {
            let detail = try await jobs.detail(jobID, userID: userID, logger: logger)
            for image in detail.images where !sentImages.contains(image.id) {
                sentImages.insert(image.id)
                try await writer.write(Self.event("image", try encoder.encode(image)))
            }
            let progress = detail.progress
            if progress != lastProgress {
                lastProgress = progress
                try await writer.write(Self.event("progress", try encoder.encode(["done": progress.done, "expected": progress.expected])))
            }
            if detail.job.completedAt != nil {
                try await writer.write(Self.event("finished", try encoder.encode(detail.job)))
                break
            }
        }
        try await writer.finish(nil)
    }

    static func event(_ name: String, _ data: Data) -> ByteBuffer {
        ByteBuffer(string: "event: \(name)\ndata: \(String(decoding: data, as: UTF8.self))\n\n")
    }
}

extension JobDetail: ResponseEncodable {}
extension GenerationJob: ResponseEncodable {}
extension WorkflowStore.ArchetypeListing: ResponseEncodable {}
