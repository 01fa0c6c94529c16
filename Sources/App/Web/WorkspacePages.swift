import Billing
import PostgresNIO
import Accounts
import Brands
import Core
import Foundation
import Generation
import Hummingbird
import Library

/// The dashboard, a brand's kit, creating ads, and a job with its review.
extension WebPages {
    func registerWorkspace(on router: Router<AppRequestContext>) {
        router.get("app") { request, context -> Response in
            let identity = try signedIn(request, context)
            var page = try await chrome(identity, title: "Dashboard", current: "/app", logger: context.logger)
            let owned = try await brands.list(userID: identity.user.id, cursor: nil, limit: 50, logger: context.logger).items
            let recent = try await jobs.list(userID: identity.user.id, brandID: nil, status: nil, cursor: nil, limit: 20, logger: context.logger).items
            let names = Dictionary(owned.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            page["hasBrands"] = !owned.isEmpty
            page["brands"] = owned.map { brand -> [String: Any] in
                ["id": brand.id.uuidString.lowercased(), "name": brand.name, "url": brand.websiteURL]
            }
            page["hasJobs"] = !recent.isEmpty
            page["jobs"] = recent.map { job -> [String: Any] in
                [
                    "id": job.id.uuidString.lowercased(), "status": job.status.rawValue.lowercased(), "isNew": job.isNew,
                    "label": "\(job.brandID.flatMap { names[$0] } ?? "Ads") · \(Self.words(job.archetypeCode ?? "random"))",
                    "ads": job.expectedAds ?? 0, "createdAt": Self.iso(job.createdAt), "createdText": Self.shortDate(job.createdAt),
                ]
            }
            return try renderer.page("dashboard", page)
        }
        router.post("brands/{id}/first-ads") { request, context -> Response in
            let (identity, _) = try await post(request, context)
            let brandID = try Self.pathID(context)
            // The first run asks nothing: the first active archetype, the square format, charged
            // like any job (the sign-up tokens cover it).
            let archetype = try await jobs.archetypes(logger: context.logger).first?.code
            let body = CreateJobRequest(brandID: brandID.uuidString, archetypeCode: archetype, formats: ["square"])
            let created = try await jobs.create(
                userID: identity.user.id, request: body, idempotencyKey: "first-ads:\(brandID.uuidString.lowercased())", logger: context.logger)
            return redirect("/jobs/\(created.detail.job.id.uuidString.lowercased())")
        }
        router.get("brands/{id}/create") { request, context -> Response in
            let identity = try signedIn(request, context)
            return try await createPage(identity, brandID: try Self.pathID(context), chosen: nil, error: nil, context: context)
        }
        router.post("brands/{id}/create") { request, context -> Response in
            let (identity, form) = try await post(request, context)
            let brandID = try Self.pathID(context)
            var body = CreateJobRequest(brandID: brandID.uuidString, archetypeCode: form["archetype_code"], formats: form.all("formats"))
            // Chosen pain points, plus one typed by the user; chosen photos replace the brand's.
            let typed = form["own_pain_point"] ?? ""
            body.selectedPainPoints = form.all("selected_pain_points") + (typed.isEmpty ? [] : [typed])
            body.insightSource = typed.isEmpty ? "auto" : "mixed"
            body.productPhotoURLs = form.all("product_photo_urls")
            body.productPhotoMode = form.all("product_photo_urls").isEmpty ? "brand" : "custom"
            do {
                let created = try await jobs.create(userID: identity.user.id, request: body, idempotencyKey: nil, logger: context.logger)
                return redirect("/jobs/\(created.detail.job.id.uuidString.lowercased())")
            } catch let error as AppError {
                return try await createPage(identity, brandID: brandID, chosen: body, error: Problem(error), context: context)
            }
        }
        router.get("jobs/{id}") { request, context -> Response in
            let identity = try signedIn(request, context)
            // Opening the job is what clears its "new" badge.
            let detail = try await jobs.markViewed(try Self.pathID(context), userID: identity.user.id, logger: context.logger)
            var page = try await chrome(identity, title: "Your ads", current: "/app", logger: context.logger)
            page.merge(JobPage.context(detail)) { $1 }
            return try renderer.page("job", page)
        }
    }

    private func createPage(_ identity: Identity, brandID: UUID, chosen: CreateJobRequest?, error: Problem?, context: AppRequestContext) async throws -> Response {
        let detail = try await brands.detail(brandID, userID: identity.user.id, logger: context.logger)
        var page = try await chrome(identity, title: "Create ads", current: "/app", logger: context.logger)
        let archetypes = try await jobs.archetypes(logger: context.logger)
        let archetype = chosen?.archetypeCode ?? archetypes.first?.code
        let formats = Set(chosen?.formats ?? ["square"])
        page["brandID"] = brandID.uuidString.lowercased()
        page["brandName"] = detail.brand.name
        let insights = detail.insights?.fields
        page["archetypes"] = archetypes.map { listing -> [String: Any] in
            var card: [String: Any] = ["code": listing.code, "name": listing.displayName, "description": listing.description ?? "", "checked": listing.code == archetype]
            // An example from this brand's own material, or why the archetype cannot be made truthfully.
            if let missing = CopyWriter.missingGrounds(archetype: listing.code, insights: insights, inputs: [:]) {
                card["unavailable"] = missing.reason.prefix(1).uppercased() + missing.reason.dropFirst() + "."
            } else {
                let copy = CopyWriter().write(
                    archetype: listing.code, brandName: detail.brand.name, insights: insights, painPoints: [], inputs: [:], formatCode: "square", seed: 0)
                card["example"] = [copy.headline, copy.subline ?? copy.bottomText ?? ""].filter { !$0.isEmpty }.joined(separator: " — ")
            }
            return card
        }
        page["formats"] = AdFormat.all.map {
            ["code": $0.code, "name": Self.words($0.code).capitalized, "size": "\($0.width)×\($0.height)", "checked": formats.contains($0.code)] as [String: Any]
        }
        let chosenPains = Set(chosen?.selectedPainPoints ?? []), chosenPhotos = Set(chosen?.productPhotoURLs ?? [])
        let pains = detail.insights?.fields.customerPainPoints ?? []
        page["hasPainPoints"] = !pains.isEmpty
        page["painPoints"] = pains.enumerated().map { ["id": "pain-\($0.offset)", "text": $0.element, "checked": chosenPains.contains($0.element)] as [String: Any] }
        let photos = (detail.brand.heroPhotos ?? []) + (detail.brand.photos ?? [])
        page["hasPhotos"] = !photos.isEmpty
        page["photos"] = photos.prefix(12).enumerated().map { ["id": "photo-\($0.offset)", "number": $0.offset + 1, "url": $0.element, "checked": chosenPhotos.contains($0.element)] as [String: Any] }
        if let quote = try? await jobs.quote(formats: Array(formats), archetypeCode: archetype, expectedAds: nil, logger: context.logger) {
            page["quoteText"] = "\(quote.expectedAds) ads · \(quote.price) tokens"
        }
        if let error {
            page["error"] = error.inWords
            page["needsTokens"] = error.code == "INSUFFICIENT_TOKENS"
        }
        return try renderer.page("create", page, status: error?.status ?? .ok)
    }

    static func pathID(_ context: AppRequestContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw AppError.notFound("Page") }
        return id
    }

    static func words(_ code: String) -> String { code.replacingOccurrences(of: "_", with: " ") }
    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    static func shortDate(_ date: Date) -> String {
        date.formatted(Date.FormatStyle(date: .abbreviated, time: .shortened, timeZone: TimeZone(identifier: "UTC")!)) + " UTC"
    }
}
