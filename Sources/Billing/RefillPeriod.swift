public import Foundation

/// Calendar arithmetic for refill periods, in UTC.
public enum RefillPeriod: String, Sendable, Codable {
    case day = "DAY"
    case week = "WEEK"
    case month = "MONTH"

    /// `date` plus one period. Months keep the day of month, clamped to the month's last day
    /// (Jan 31 → Feb 28, or Feb 29 in a leap year).
    public func advance(_ date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let component: Calendar.Component =
            switch self {
            case .day: .day
            case .week: .weekOfYear
            case .month: .month
            }
        return calendar.date(byAdding: component, value: 1, to: date)!
    }
}
