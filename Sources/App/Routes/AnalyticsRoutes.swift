import Accounts
import Analytics
import Core
import Foundation
public import Hummingbird

/// `GET /api/v1/analytics` (the caller's own images) and `GET /api/v1/admin/kpis` (admins).
struct AnalyticsRoutes: Sendable {
    let analytics: AnalyticsService

    func register(on router: Router<AppRequestContext>) {
        router.group("api/v1/analytics", context: AuthenticatedContext.self).get { request, context -> UserReport in
            try await analytics.userReport(
                userID: context.identity.user.id, brandID: try request.queryID("brand_id"), range: try Self.range(request), logger: context.logger)
        }
        router.group("api/v1/admin/kpis", context: AdminContext.self).get { request, context -> AdminKPIs in
            try await analytics.adminKPIs(range: try Self.range(request), logger: context.logger)
        }
    }

    static func range(_ request: Request) throws -> ReportRange {
        try ReportRange(from: request.queryValue("from").map(String.init), to: request.queryValue("to").map(String.init))
    }
}

extension UserReport: ResponseEncodable {}
extension AdminKPIs: ResponseEncodable {}
