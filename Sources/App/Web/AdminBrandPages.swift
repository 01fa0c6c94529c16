import Brands
import Core
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// `/admin/brands`: every user's brands with their extraction outcome; a brand's steps with
/// their evidence and errors, each of which can be run again; extraction problems grouped by
/// step, reason and website domain.
extension WebPages {
    func registerAdminBrands(on router: Router<AppRequestContext>) {
        router.get("admin/brands") { request, context -> Response in
            let identity = try admin(request, context)
            let query = request.uri.queryParameters["query"].map(String.init) ?? ""
            guard query.count <= 200 else { throw AppError.validation(["query": "must be at most 200 characters"]) }
            let status = try request.queryValue("status").map { text in
                guard let status = BrandAdmin.Overall(rawValue: String(text)) else { throw AppError.validation(["status": "is not a status"]) }
                return status
            }
            let found = try await BrandAdmin(client: client).list(
                query: query, status: status, cursor: request.queryValue("cursor").map(String.init), limit: 50, logger: context.logger)
            var page = try await adminChrome(identity, request, title: "Brands", section: "/admin/brands", logger: context.logger)
            page["query"] = query
            page["statuses"] = BrandAdmin.Overall.allCases.map { ["code": $0.rawValue, "selected": $0 == status] as [String: Any] }
            page["brands"] = found.items.map(AdminBrandPage.row)
            page["hasBrands"] = !found.items.isEmpty
            if let next = found.nextCursor {
                page["next"] = "/admin/brands?" + Self.query(["query": query, "status": status?.rawValue ?? "", "cursor": next])
            }
            return try renderer.page("admin_brands", page)
        }
        router.get("admin/brands/{id}") { request, context -> Response in
            let identity = try admin(request, context)
            let brand = try await BrandAdmin(client: client).detail(try Self.pathID(context), logger: context.logger)
            var page = try await adminChrome(identity, request, title: brand.brand.name, section: "/admin/brands", logger: context.logger)
            page.merge(AdminBrandPage.context(brand)) { $1 }
            return try renderer.page("admin_brand", page)
        }
        router.post("admin/brands/{id}/rerun") { request, context -> Response in
            let (actor, form) = try await adminPost(request, context)
            let id = try Self.pathID(context)
            guard let step = form["step"].flatMap(ExtractionStep.init(rawValue:)) else { throw AppError.validation(["step": "is not a step"]) }
            try await AdminBrandReruns(client: client, brands: brands).rerun(id, step: step, actor: actor, logger: context.logger)
            return redirect("/admin/brands/\(id.uuidString.lowercased())?done=rerun")
        }
        router.get("admin/extraction-problems") { request, context -> Response in
            let identity = try admin(request, context)
            let problems = try await BrandAdmin(client: client).problems(step: nil, limit: 100, logger: context.logger)
            var page = try await adminChrome(identity, request, title: "Extraction problems", section: "/admin/brands", logger: context.logger)
            page["problems"] = problems.map { problem -> [String: Any] in
                [
                    "step": problem.step, "reason": problem.reason, "domain": problem.domain, "count": problem.count,
                    "seen": WebPages.shortDate(problem.lastSeenAt), "example": problem.example,
                    "brands": problem.brandIDs.enumerated().map { ["id": $0.element, "n": $0.offset + 1] as [String: Any] },
                ]
            }
            page["hasProblems"] = !problems.isEmpty
            page["window"] = BrandAdmin.problemWindow
            return try renderer.page("admin_problems", page)
        }
    }
}

/// What the brand pages show.
enum AdminBrandPage {
    static func row(_ item: AdminBrand) -> [String: Any] {
        let overall = item.extraction?.overall ?? "pending"
        return [
            "id": item.brand.id.uuidString.lowercased(), "name": item.brand.name, "url": item.brand.websiteURL,
            "userID": item.brand.userID.uuidString.lowercased(), "created": WebPages.shortDate(item.brand.createdAt),
            "overall": overall, "badge": ["ok": "ok", "error": "error", "partial": "error", "pending": "pending"][overall] ?? "",
            "deleted": item.brand.isDeleted,
        ]
    }

    static func context(_ item: AdminBrand) -> [String: Any] {
        var page = row(item)
        if let crawled = item.extraction?.crawledAt { page["crawled"] = WebPages.shortDate(crawled) }
        if let error = item.extraction?.crawlError { page["crawlError"] = error }
        var evidence: [String: JSONValue] = [:]
        if case .object(let fields) = item.evidence { evidence = fields }
        page["steps"] = ExtractionStep.allCases.map { step -> [String: Any] in
            let state = item.extraction?.steps[step]
            var row: [String: Any] = ["step": step.rawValue, "status": state?.status.rawValue ?? "pending"]
            if let error = state?.error { row["stepError"] = error }
            if let found = evidence[step.rawValue] { row["evidence"] = pretty(found) }
            return row
        }
        let others = evidence.filter { key, _ in ExtractionStep(rawValue: key) == nil }
        if !others.isEmpty { page["otherEvidence"] = pretty(.object(others)) }
        return page
    }

    /// Evidence as indented JSON, cut at a length a page can show.
    static func pretty(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return text.count > 4000 ? String(text.prefix(4000)) + "\n…" : text
    }
}
