public import Foundation

/// RFC 3339 times (with or without fractional seconds) and `YYYY-MM-DD` dates (UTC midnight),
/// as query parameters and client events carry them; anything else, or a year outside
/// 2000–9999, is nil.
public enum Timestamp {
    public static func parse(_ text: String) -> Date? {
        guard (10...40).contains(text.utf8.count) else { return nil }
        let date: Date?
        if text.utf8.count == 10 {
            let day = ISO8601DateFormatter()
            day.formatOptions = [.withFullDate]
            date = day.date(from: text)
        } else {
            let plain = ISO8601DateFormatter()
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            date = plain.date(from: text) ?? fractional.date(from: text)
        }
        guard let date, (946_684_800...253_402_300_799).contains(date.timeIntervalSince1970) else { return nil }
        return date
    }
}
