import Core
public import Foundation

/// The half-open period `[from, to)` a report covers, parsed from the `from` and `to` query
/// parameters: RFC 3339 times, or `YYYY-MM-DD` UTC dates (a date `from` starts at that day's
/// midnight, a date `to` ends at the next midnight, so `to` names the last day included).
/// Absent, `to` is now and `from` is 30 days before `to`. At most 366 days, so a daily series
/// has at most 367 rows and every query stays bounded.
public struct ReportRange: Sendable, Equatable {
    public let from: Date
    public let to: Date

    public static let defaultLength: TimeInterval = 30 * 86_400
    public static let maximumLength: TimeInterval = 366 * 86_400

    public init(from: Date, to: Date) throws {
        guard from < to else { throw AppError.validation(["to": "must be after from"]) }
        guard to.timeIntervalSince(from) <= Self.maximumLength else {
            throw AppError.validation(["to": "must be at most 366 days after from"])
        }
        self.from = from
        self.to = to
    }

    /// Parses the query parameters; every refusal names its field.
    public init(from fromText: String?, to toText: String?, now: Date = Date()) throws {
        let to = try toText.map { try Self.instant($0, field: "to", endOfDay: true) } ?? now
        let from = try fromText.map { try Self.instant($0, field: "from", endOfDay: false) } ?? to.addingTimeInterval(-Self.defaultLength)
        try self.init(from: from, to: to)
    }

    /// The period of the same length just before this one ("vs previous period").
    public var previous: ReportRange {
        let length = to.timeIntervalSince(from)
        // Cannot throw: same positive length, at most 366 days.
        return (try? ReportRange(from: from.addingTimeInterval(-length), to: from)) ?? self
    }

    static func instant(_ text: String, field: String, endOfDay: Bool) throws -> Date {
        let refusal = AppError.validation([field: "must be an RFC 3339 time or a YYYY-MM-DD date between 1970 and 9999"])
        // Longest legal form: 2026-01-01T00:00:00.123456789+00:00 (35 characters).
        guard text.utf8.count <= 40, text.unicodeScalars.allSatisfy(\.isASCII) else { throw refusal }
        let parsed: Date?
        if text.utf8.count == 10 {
            parsed = Self.day(text).map { endOfDay ? $0.addingTimeInterval(86_400) : $0 }
        } else {
            parsed = Self.time(text)
        }
        // Within 1970…9999, so every later computation on the date stays in range.
        guard let parsed, Bounds.date(unixSeconds: parsed.timeIntervalSince1970) != nil else { throw refusal }
        return parsed
    }

    /// `YYYY-MM-DD` as midnight UTC.
    static func day(_ text: String) -> Date? {
        RFC3339.parse(text, dateOnly: true)
    }

    /// RFC 3339 with or without fractional seconds, `Z` or a numeric offset.
    static func time(_ text: String) -> Date? {
        RFC3339.parse(text, dateOnly: false)
    }
}
