import Accounts
public import Brands
import Core
import Foundation
public import Hummingbird
import NIOFoundationCompat
import PostgresNIO

/// `/api/v1/brands`: create, list, read, edit, delete, re-extract, insights and assets.
struct BrandRoutes: Sendable {
    let brands: BrandService
    let client: PostgresClient
    /// Crawls cost the server real work and fetch other people's sites: creations and
    /// re-extractions share one hourly budget per user.
    let extractionsPerHour: Int

    struct CreateBody: Decodable {
        let websiteURL: String
        let name: String?
        let language: String?
        enum CodingKeys: String, CodingKey { case websiteURL = "website_url", name, language }
    }

    struct ExtractBody: Decodable {
        let steps: [String]?
    }

    struct AssetReference: Decodable {
        let url: String
    }

    func register(on router: Router<AppRequestContext>) {
        let group = router.group("api/v1/brands", context: AuthenticatedContext.self)
        group.post { request, context -> EditedResponse<BrandService.Detail> in
            let body = try await request.decode(as: CreateBody.self, context: context)
            try await countExtraction(context)
            let detail = try await brands.create(
                userID: context.identity.user.id, websiteURL: body.websiteURL, name: body.name, language: body.language, logger: context.logger)
            return EditedResponse(status: .created, headers: [.location: "/api/v1/brands/\(detail.brand.id.uuidString.lowercased())"], response: detail)
        }
        group.get { request, context -> Page<Brand> in
            let limit = try request.listLimit(default: 20, maximum: 100)
            return try await brands.list(
                userID: context.identity.user.id, cursor: request.uri.queryParameters["cursor"].map(String.init), limit: limit, logger: context.logger)
        }
        group.get("{id}") { _, context -> BrandService.Detail in
            try await brands.detail(try Self.brandID(context), userID: context.identity.user.id, logger: context.logger)
        }
        group.patch("{id}") { request, context -> BrandService.Detail in
            let patch = try await request.decode(as: BrandPatch.self, context: context)
            return try await brands.update(try Self.brandID(context), userID: context.identity.user.id, patch: patch, logger: context.logger)
        }
        group.delete("{id}") { _, context -> HTTPResponse.Status in
            try await brands.delete(try Self.brandID(context), userID: context.identity.user.id, logger: context.logger)
            return .noContent
        }
        group.post("{id}/extract") { request, context -> EditedResponse<BrandService.Detail> in
            let buffer = try await request.body.collect(upTo: 64 << 10)
            let body = buffer.readableBytes == 0 ? ExtractBody(steps: nil) : try JSONDecoder().decode(ExtractBody.self, from: Data(buffer: buffer))
            try await countExtraction(context)
            let detail = try await brands.extract(try Self.brandID(context), userID: context.identity.user.id, steps: body.steps, logger: context.logger)
            return EditedResponse(status: .accepted, response: detail)
        }
        group.get("{id}/insights") { _, context -> BrandInsightsRecord in
            try await brands.insights(try Self.brandID(context), userID: context.identity.user.id, logger: context.logger)
        }
        group.patch("{id}/insights") { request, context -> BrandInsightsRecord in
            let patch = try await request.decode(as: InsightsPatch.self, context: context)
            return try await brands.updateInsights(try Self.brandID(context), userID: context.identity.user.id, patch: patch, logger: context.logger)
        }
        group.post("{id}/assets") { request, context -> EditedResponse<BrandService.Detail> in
            let id = try Self.brandID(context)
            // Someone else's brand is "not found" before its upload is read or judged.
            _ = try await brands.detail(id, userID: context.identity.user.id, logger: context.logger)
            let contentType = request.headers[.contentType] ?? ""
            // The file limit plus room for the form's own framing.
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: BrandService.maximumUploadBytes + (64 << 10))
            } catch {
                throw AppError.validation(["file": "must be at most 10 MB"])
            }
            guard let form = MultipartForm(contentType: contentType, body: Data(buffer: body)) else {
                throw AppError.badRequest(code: "MULTIPART_INVALID", detail: "Send multipart/form-data with the fields kind and file.")
            }
            var problems: [String: String] = [:]
            let kind = form.text("kind").flatMap { AssetKind(rawValue: $0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if kind == nil { problems["kind"] = "must be one of logo, hero, photo" }
            let file = form.part("file")
            if file == nil || file?.data.isEmpty == true { problems["file"] = "must be an image file" }
            guard problems.isEmpty, let kind, let file else { throw AppError.validation(problems) }
            let detail = try await brands.addAsset(id, userID: context.identity.user.id, kind: kind, data: file.data, logger: context.logger)
            return EditedResponse(status: .created, response: detail)
        }
        group.delete("{id}/assets") { request, context -> BrandService.Detail in
            _ = try await brands.detail(try Self.brandID(context), userID: context.identity.user.id, logger: context.logger)
            let reference = try await request.decode(as: AssetReference.self, context: context)
            return try await brands.removeAsset(try Self.brandID(context), userID: context.identity.user.id, url: reference.url, logger: context.logger)
        }
    }

    private func countExtraction(_ context: AuthenticatedContext) async throws {
        try await client.withConnection { connection in
            try await RateLimiter().hit(
                "extract:user:\(context.identity.user.id)", limit: extractionsPerHour, window: .seconds(3600), on: connection, logger: context.logger)
        }
    }

    /// A malformed id names no brand of the caller's: 404, like any other brand they do not own.
    static func brandID(_ context: AuthenticatedContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw AppError.notFound("Brand") }
        return id
    }
}

extension BrandService.Detail: ResponseEncodable {}
extension Brand: ResponseEncodable {}
extension BrandInsightsRecord: ResponseEncodable {}
