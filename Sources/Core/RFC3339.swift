public import Foundation

/// A strict reader of RFC 3339 times (`2026-11-03T10:00:00Z`, `…T10:00:00.5+02:00`) and of
/// `YYYY-MM-DD` dates, by hand: every field is range-checked before any arithmetic, so no text
/// can trap, and nothing depends on a formatter's leniency (a date formatter reads `+0200` or
/// two-digit years differently across platforms).
public enum RFC3339 {
    /// A `YYYY-MM-DD` date (midnight UTC) or an RFC 3339 time, whichever the text is, within
    /// the years `Bounds` allows; nil for anything else.
    public static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 40, let date = parse(text, dateOnly: text.utf8.count == 10) else { return nil }
        return Bounds.date(unixSeconds: date.timeIntervalSince1970)
    }

    public static func parse(_ text: String, dateOnly: Bool) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let midnight = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if dateOnly { return bytes.count == 10 ? Date(timeIntervalSince1970: midnight) : nil }
        guard bytes.count >= 20, [UInt8(ascii: "T"), UInt8(ascii: "t")].contains(bytes[10]),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            let digits = bytes[(index + 1)...].prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            guard (1...9).contains(digits.count) else { return nil }
            fraction = Double("0." + String(decoding: digits, as: UTF8.self)) ?? 0
            index += 1 + digits.count
        }
        guard let offset = offsetSeconds(bytes[index...]) else { return nil }
        return Date(timeIntervalSince1970: midnight + Double(hour * 3600 + minute * 60 + second) + fraction - Double(offset))
    }

    /// `Z` → 0, `±HH:MM` → seconds east of UTC; nil for anything else.
    static func offsetSeconds(_ rest: ArraySlice<UInt8>) -> Int? {
        let zone = Array(rest)
        if zone == [UInt8(ascii: "Z")] || zone == [UInt8(ascii: "z")] { return 0 }
        guard zone.count == 6, zone[0] == UInt8(ascii: "+") || zone[0] == UInt8(ascii: "-"), zone[3] == UInt8(ascii: ":"),
            let hours = number(zone, 1, 2), let minutes = number(zone, 4, 2), hours < 24, minutes < 60
        else { return nil }
        return (zone[0] == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    /// The decimal number in `count` ASCII digits at `start`, nil when any is not a digit.
    static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<(start + count)] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm); the
    /// inputs are at most four-digit years, far from any overflow.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
