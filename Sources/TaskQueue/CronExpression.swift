public import Foundation

/// A five-field cron expression (`minute hour day-of-month month day-of-week`, UTC) with
/// `*`, lists, ranges and steps, e.g. `*/15 * * * *` or `0 3 * * 1-5`.
public struct CronExpression: Sendable, Equatable {
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    /// Cron's rule: when both day fields are restricted, either one matching is enough.
    let dayFieldsBothRestricted: Bool

    public init(_ text: String) throws {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 5 else { throw CronError(text: text, reason: "expected 5 fields") }
        minutes = try Self.parse(fields[0], 0...59, text)
        hours = try Self.parse(fields[1], 0...23, text)
        daysOfMonth = try Self.parse(fields[2], 1...31, text)
        months = try Self.parse(fields[3], 1...12, text)
        // 7 is Sunday too.
        daysOfWeek = Set(try Self.parse(fields[4], 0...7, text).map { $0 % 7 })
        dayFieldsBothRestricted = fields[2] != "*" && fields[4] != "*"
    }

    /// The latest minute at or before `date` that matches, searching back at most a year.
    public func previousFire(atOrBefore date: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var candidate = calendar.date(bySetting: .second, value: 0, of: date).map {
            $0 > date ? $0.addingTimeInterval(-60) : $0
        } ?? date
        candidate = Date(timeIntervalSince1970: (candidate.timeIntervalSince1970 / 60).rounded(.down) * 60)
        let limit = date.addingTimeInterval(-366 * 86400)
        while candidate >= limit {
            let parts = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: candidate)
            let dayMatches = matchesDay(day: parts.day!, weekday: parts.weekday! - 1)
            if !months.contains(parts.month!) || !dayMatches {
                // Jump to the last minute of the previous day.
                let startOfDay = calendar.startOfDay(for: candidate)
                candidate = startOfDay.addingTimeInterval(-60)
            } else if !hours.contains(parts.hour!) {
                candidate = candidate.addingTimeInterval(-Double(parts.minute! + 1) * 60)
            } else if !minutes.contains(parts.minute!) {
                candidate = candidate.addingTimeInterval(-60)
            } else {
                return candidate
            }
        }
        return nil
    }

    private func matchesDay(day: Int, weekday: Int) -> Bool {
        if dayFieldsBothRestricted { return daysOfMonth.contains(day) || daysOfWeek.contains(weekday) }
        return daysOfMonth.contains(day) && daysOfWeek.contains(weekday)
    }

    private static func parse(_ field: String, _ range: ClosedRange<Int>, _ text: String) throws -> Set<Int> {
        var values: Set<Int> = []
        for part in field.split(separator: ",") {
            let pieces = part.split(separator: "/", maxSplits: 1)
            let step = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let step, step > 0 else { throw CronError(text: text, reason: "bad step in \(part)") }
            let span: ClosedRange<Int>
            if pieces[0] == "*" {
                span = range
            } else if let dash = pieces[0].firstIndex(of: "-"),
                let low = Int(pieces[0][..<dash]), let high = Int(pieces[0][pieces[0].index(after: dash)...]), low <= high
            {
                span = low...high
            } else if let single = Int(pieces[0]) {
                span = single...(pieces.count == 2 ? range.upperBound : single)
            } else {
                throw CronError(text: text, reason: "cannot read \(part)")
            }
            guard range.contains(span.lowerBound), range.contains(span.upperBound) else {
                throw CronError(text: text, reason: "\(part) is outside \(range)")
            }
            values.formUnion(stride(from: span.lowerBound, through: span.upperBound, by: step))
        }
        return values
    }
}

/// A cron expression that could not be read.
public struct CronError: Error, CustomStringConvertible, Sendable {
    public let text: String
    public let reason: String
    public var description: String { "cron expression \"\(text)\": \(reason)" }
}
