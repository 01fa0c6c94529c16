import Accounts
import Brands
import Core
import Foundation
import Hummingbird
import NIOFoundationCompat
import PostgresNIO

/// `/brands/{id}`: the brand kit, and the forms that edit it, upload or remove its images and
/// read a part of it again.
extension WebPages {
    func registerBrand(on router: Router<AppRequestContext>) {
        router.get("brands/{id}") { request, context -> Response in
            let identity = try signedIn(request, context)
            return try await brandPage(identity, brandID: try Self.pathID(context), request: request, context: context)
        }
        router.post("brands/{id}/edit") { request, context -> Response in
            let (identity, form) = try await post(request, context)
            let brandID = try Self.pathID(context)
            let patch = BrandPatch(
                name: form["name"], colors: Self.list(form["colors"]),
                fonts: Self.list(form["fonts"]).map { FontExtractor.RankedFont(fontFamily: $0, count: 1) })
            return try await brandChange(identity, brandID: brandID, done: "Brand kit saved.", context: context) {
                _ = try await brands.update(brandID, userID: identity.user.id, patch: patch, logger: context.logger)
            }
        }
        router.post("brands/{id}/extract") { request, context -> Response in
            let (identity, form) = try await post(request, context)
            let brandID = try Self.pathID(context)
            let step = form["step"] ?? "all"
            return try await brandChange(identity, brandID: brandID, done: nil, context: context) {
                try await client.withConnection { connection in
                    try await RateLimiter().hit(
                        "extract:user:\(identity.user.id)", limit: configuration.extractionsPerUserPerHour, window: .seconds(3600), on: connection,
                        logger: context.logger)
                }
                _ = try await brands.extract(brandID, userID: identity.user.id, steps: step == "all" ? nil : [step], logger: context.logger)
            }
        }
        router.post("brands/{id}/assets/remove") { request, context -> Response in
            let (identity, form) = try await post(request, context)
            let brandID = try Self.pathID(context)
            return try await brandChange(identity, brandID: brandID, done: "Image removed.", context: context) {
                _ = try await brands.removeAsset(brandID, userID: identity.user.id, url: form["url"] ?? "", logger: context.logger)
            }
        }
        router.post("brands/{id}/assets") { request, context -> Response in
            let identity = try signedIn(request, context)
            let brandID = try Self.pathID(context)
            // Someone else's brand is "not found" before its upload is read.
            _ = try await brands.detail(brandID, userID: identity.user.id, logger: context.logger)
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: BrandService.maximumUploadBytes + (64 << 10))
            } catch {
                return try await brandPage(identity, brandID: brandID, error: Problem(AppError.validation(["file": "must be at most 10 MB"])), context: context)
            }
            guard let upload = MultipartForm(contentType: request.headers[.contentType] ?? "", body: Data(buffer: body)) else {
                throw AppError.badRequest(code: "MULTIPART_INVALID", detail: "The upload could not be read; choose the file again.")
            }
            try CSRF.check(WebForm(fields: ["_csrf": [upload.text("_csrf") ?? ""]]), session: identity.token)
            return try await brandChange(identity, brandID: brandID, done: "Image uploaded.", context: context) {
                guard let kind = upload.text("kind").flatMap(AssetKind.init(rawValue:)), let file = upload.part("file"), !file.data.isEmpty else {
                    throw AppError.validation(["file": "choose an image file and what it is"])
                }
                _ = try await brands.addAsset(brandID, userID: identity.user.id, kind: kind, data: file.data, logger: context.logger)
            }
        }
    }

    /// Runs a change, then back to the kit (303) with `done` said there; a refused change shows
    /// the kit again with the reason, keeping the status code.
    private func brandChange(
        _ identity: Identity, brandID: UUID, done: String?, context: AppRequestContext, _ change: () async throws -> Void
    ) async throws -> Response {
        do {
            try await change()
        } catch let error as AppError {
            return try await brandPage(identity, brandID: brandID, error: Problem(error), context: context)
        }
        return redirect("/brands/\(brandID.uuidString.lowercased())" + (done.map { "?done=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""))
    }

    private func brandPage(
        _ identity: Identity, brandID: UUID, request: Request? = nil, error: Problem? = nil, context: AppRequestContext
    ) async throws -> Response {
        let detail = try await brands.detail(brandID, userID: identity.user.id, logger: context.logger)
        let evidence = try await brands.evidence(brandID, userID: identity.user.id, logger: context.logger)
        var page = try await chrome(identity, title: detail.brand.name, current: "/app", logger: context.logger)
        page.merge(BrandPage.context(detail, evidence: evidence, firstRun: request?.uri.queryParameters["first"] == "1")) { $1 }
        // Only the messages this site writes: `done` is shown when it is one of them.
        if let done = request?.uri.queryParameters["done"].map(String.init), Self.brandNotices.contains(done) { page["notice"] = done }
        if let error { page["error"] = error.inWords }
        return try renderer.page("brand", page, status: error?.status ?? .ok)
    }

    static let brandNotices: Set<String> = ["Brand kit saved.", "Image removed.", "Image uploaded."]

    /// A comma-separated field as its non-empty items.
    static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
