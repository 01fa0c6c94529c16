import Brands
import Core
import Foundation
public import Hummingbird

/// `/api/v1/admin/brands` and `/api/v1/admin/extraction-problems`: every user's brands with
/// their extraction outcome, and failing steps grouped by step, reason and domain.
struct AdminBrandRoutes: Sendable {
    let brands: BrandAdmin

    struct Problems: ResponseEncodable {
        let items: [ExtractionProblem]
        /// How many of the newest failing steps were grouped.
        let window: Int
    }

    func register(on router: Router<AppRequestContext>) {
        let admin = router.group("api/v1/admin", context: AdminContext.self)
        admin.get("brands") { request, context -> Page<AdminBrand> in
            let query = request.uri.queryParameters["query"].map(String.init) ?? ""
            guard query.count <= 200 else { throw AppError.validation(["query": "must be at most 200 characters"]) }
            var status: BrandAdmin.Overall?
            if let text = request.uri.queryParameters["status"] {
                guard let parsed = BrandAdmin.Overall(rawValue: String(text)) else {
                    throw AppError.validation(["status": "must be one of " + BrandAdmin.Overall.allCases.map(\.rawValue).joined(separator: ", ")])
                }
                status = parsed
            }
            return try await brands.list(
                query: query, status: status, userID: try request.queryID("user_id"), cursor: request.uri.queryParameters["cursor"].map(String.init),
                limit: try request.listLimit(default: 50, maximum: 200), logger: context.logger)
        }
        admin.get("brands/{id}") { _, context -> AdminBrand in
            try await brands.detail(try context.parameters.require("id", as: UUID.self), logger: context.logger)
        }
        admin.get("extraction-problems") { request, context -> Problems in
            var step: ExtractionStep?
            if let text = request.uri.queryParameters["step"] {
                guard let parsed = ExtractionStep(rawValue: String(text)) else {
                    throw AppError.validation(["step": "must be one of " + ExtractionStep.allCases.map(\.rawValue).joined(separator: ", ")])
                }
                step = parsed
            }
            let items = try await brands.problems(step: step, limit: try request.listLimit(default: 50, maximum: 200), logger: context.logger)
            return Problems(items: items, window: BrandAdmin.problemWindow)
        }
    }
}

extension AdminBrand: ResponseEncodable {}
