import Accounts
import Brands
import Analytics
import Core
import Foundation
import Hummingbird

/// `/analytics`: what became of the user's ads, per archetype and workflow, with a daily chart
/// drawn on the server as SVG.
extension WebPages {
    func registerAnalytics(on router: Router<AppRequestContext>) {
        router.get("analytics") { request, context -> Response in
            let identity = try signedIn(request, context)
            let brandID = try request.queryID("brand_id")
            let range = try AnalyticsRoutes.range(request)
            let report = try await analytics.userReport(userID: identity.user.id, brandID: brandID, range: range, logger: context.logger)
            var page = try await chrome(identity, title: "Analytics", current: "/analytics", logger: context.logger)
            let owned = try await brands.list(userID: identity.user.id, cursor: nil, limit: 100, logger: context.logger).items
            page["brands"] = owned.map { ["id": $0.id.uuidString.lowercased(), "name": $0.name, "selected": $0.id == brandID] as [String: Any] }
            page["generated"] = report.totals.generated
            page["rows"] = report.archetypes.map { Self.statsRow(WebPages.words($0.archetypeCode ?? "other"), $0.counts) }
            page["workflows"] = report.workflows.map { Self.statsRow($0.workflowUID ?? "removed workflow", $0.counts) }
            page["hasRows"] = !report.archetypes.isEmpty
            page["chart"] = DailyChart.svg(report.daily)
            return try renderer.page("analytics", page)
        }
    }

    static func statsRow(_ name: String, _ counts: ActionCounts) -> [String: Any] {
        func percent(_ action: ReportedAction) -> String { String(format: "%.0f %%", counts[action].rate * 100) }
        return ["name": name, "generated": counts.generated, "saved": percent(.saved), "downloaded": percent(.downloaded), "deleted": percent(.deleted)]
    }
}

/// A bar chart of ads generated per day with the saved ones inside, as SVG markup made only of
/// numbers and fixed text (it is inserted into the page unescaped).
enum DailyChart {
    static func svg(_ days: [DailyActivity]) -> String {
        let width = 720.0, height = 200.0, bottom = 180.0
        let highest = max(1, days.map(\.generated).max() ?? 1)
        let step = width / Double(max(days.count, 1))
        var bars = ""
        for (index, day) in days.enumerated() {
            let x = Double(index) * step + 1
            let made = Double(day.generated) / Double(highest) * (bottom - 10)
            let saved = Double(min(day.events["saved"] ?? 0, day.generated)) / Double(highest) * (bottom - 10)
            bars += "<rect x=\"\(fmt(x))\" y=\"\(fmt(bottom - made))\" width=\"\(fmt(max(step - 2, 1)))\" height=\"\(fmt(made))\" fill=\"currentColor\" opacity=\"0.25\"/>"
            bars += "<rect x=\"\(fmt(x))\" y=\"\(fmt(bottom - saved))\" width=\"\(fmt(max(step - 2, 1)))\" height=\"\(fmt(saved))\" fill=\"currentColor\"/>"
        }
        let first = days.first?.date.filter { $0.isNumber || $0 == "-" } ?? ""
        let last = days.last?.date.filter { $0.isNumber || $0 == "-" } ?? ""
        return """
            <svg viewBox="0 0 \(fmt(width)) \(fmt(height))" role="img" aria-labelledby="chart-title" class="chart">\
            <title id="chart-title">Ads generated per day (light) and saved (dark), \(first) to \(last); at most \(highest) a day</title>\
            \(bars)<line x1="0" y1="\(fmt(bottom))" x2="\(fmt(width))" y2="\(fmt(bottom))" stroke="currentColor" opacity="0.4"/>\
            <text x="0" y="196" font-size="12" fill="currentColor">\(first)</text>\
            <text x="\(fmt(width))" y="196" font-size="12" fill="currentColor" text-anchor="end">\(last)</text></svg>
            """
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
