import Analytics
import Foundation
import Hummingbird
import Logging

/// `/admin`: the installation's KPIs for a chosen range, each beside the period before it and
/// with a small chart; the plans, revenue events and jobs per status below.
extension WebPages {
    func registerAdminOverview(on router: Router<AppRequestContext>) {
        router.get("admin") { request, context -> Response in
            let identity = try admin(request, context)
            let range = try AnalyticsRoutes.range(request)
            let kpis = try await analytics.adminKPIs(range: range, logger: context.logger)
            var page = try await adminChrome(identity, request, title: "Overview", section: "/admin", logger: context.logger)
            page.merge(AdminOverview.context(kpis)) { $1 }
            return try renderer.page("admin_overview", page)
        }
    }
}

/// What the overview shows of a KPI report.
enum AdminOverview {
    static func context(_ kpis: AdminKPIs) -> [String: Any] {
        let now = kpis.totals, before = kpis.previousTotals, days = kpis.daily
        let first = days.first?.date ?? "", last = days.last?.date ?? ""
        func daily(_ id: String, _ label: String, _ value: (KPIDay) -> Double) -> String {
            KPIChart.daily(days.map(value), id: id, label: label, first: first, last: last)
        }
        func card(_ id: String, _ label: String, _ current: Double, _ previous: Double, unit: Unit = .count, chart: String? = nil) -> [String: Any] {
            [
                "label": label, "value": unit.text(current), "previous": unit.text(previous), "change": change(current, previous, unit),
                "chart": chart ?? KPIChart.versus(current, previous, id: id, label: label),
                "chartNote": chart == nil ? "Dark bar: this period; light bar: before." : "One bar a day.",
            ]
        }
        let cards: [[String: Any]] = [
            card("k-users", "Users", Double(now.users), Double(before.users)),
            card("k-new-users", "New users", Double(now.newUsers), Double(before.newUsers), chart: daily("k-new-users", "New users") { Double($0.newUsers) }),
            card("k-active", "Active users", Double(now.activeUsers), Double(before.activeUsers)),
            card("k-brands", "Brands", Double(now.brands), Double(before.brands)),
            card("k-new-brands", "New brands", Double(now.newBrands), Double(before.newBrands)),
            card("k-jobs", "Jobs", Double(now.jobs.total), Double(before.jobs.total), chart: daily("k-jobs", "Jobs") { Double($0.jobs.total) }),
            card(
                "k-success", "Job success rate", now.jobs.successRate * 100, before.jobs.successRate * 100, unit: .percent,
                chart: daily("k-success", "Success rate in percent") { $0.jobs.successRate * 100 }),
            card("k-median", "Median job time", now.jobSecondsMedian ?? 0, before.jobSecondsMedian ?? 0, unit: .seconds),
            card("k-p95", "95th percentile job time", now.jobSecondsP95 ?? 0, before.jobSecondsP95 ?? 0, unit: .seconds),
            card(
                "k-granted", "Tokens granted", Double(now.tokensGranted), Double(before.tokensGranted),
                chart: daily("k-granted", "Tokens granted") { Double($0.tokensGranted) }),
            card(
                "k-spent", "Tokens spent", Double(now.tokensSpent), Double(before.tokensSpent),
                chart: daily("k-spent", "Tokens spent") { Double($0.tokensSpent) }),
            card(
                "k-revenue", "Revenue events", Double(now.stripeEvents), Double(before.stripeEvents),
                chart: daily("k-revenue", "Revenue events") { Double($0.stripeEvents.reduce(0) { $0 + $1.count }) }),
        ]
        let statuses: [(String, KeyPath<JobStatusCounts, Int64>)] = [
            ("Queued", \.queued), ("Running", \.running), ("Succeeded", \.succeeded), ("Failed", \.failed), ("Cancelled", \.canceled),
        ]
        return [
            "from": day(kpis.from), "to": day(kpis.to.addingTimeInterval(-1)),
            "previousFrom": day(kpis.previousFrom), "previousTo": day(kpis.previousTo.addingTimeInterval(-1)),
            "cards": cards,
            "statuses": statuses.map { ["status": $0.0, "now": now.jobs[keyPath: $0.1], "before": before.jobs[keyPath: $0.1]] as [String: Any] },
            "plans": kpis.accountsByPlan.map { ["name": $0.type, "count": $0.count] as [String: Any] },
            "hasPlans": !kpis.accountsByPlan.isEmpty,
            "events": kpis.stripeEventsByType.map { ["name": $0.type, "count": $0.count] as [String: Any] },
            "hasEvents": !kpis.stripeEventsByType.isEmpty,
        ]
    }

    enum Unit {
        case count, percent, seconds
        func text(_ value: Double) -> String {
            switch self {
            case .count: String(format: "%.0f", value)
            case .percent: String(format: "%.0f %%", value)
            case .seconds: String(format: "%.1f s", value)
            }
        }
    }

    static func change(_ current: Double, _ previous: Double, _ unit: Unit) -> String {
        let difference = current - previous
        if abs(difference) < 0.05 { return "no change" }
        return (difference > 0 ? "up " : "down ") + unit.text(abs(difference))
    }

    /// A UTC date as the date inputs want it.
    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day())
    }
}
