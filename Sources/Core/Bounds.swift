public import Foundation

/// Ranges every number from outside is checked against before any arithmetic or conversion.
///
/// One process serves every user and runs the workers; a number that traps a conversion
/// (`Int64(1e300)`) or an overflow (`Int64.max * 2`) takes all of them down. So numbers from a
/// request, a cursor, a header, a webhook, a callback or a row written from one are parsed into
/// these ranges first, and anything outside is refused with a message naming the field.
public enum Bounds {
    /// The largest token amount anything may carry: a price, a grant, an adjustment, a plan's
    /// monthly tokens. A billion tokens is far beyond any real plan and far from `Int64.max`, so
    /// sums and products of a few such amounts cannot overflow.
    public static let maxTokens: Int64 = 1_000_000_000

    /// The largest movement the ledger itself accepts in one entry. Wider than `maxTokens`, which
    /// bounds what a caller may ask for: a refill that expires tokens above a rollover cap may
    /// move more than a caller could, and must not be refused (it would stall every refill
    /// after it). Far enough from `Int64.max` that `-delta` and `balance + delta` stay in range.
    public static let maxLedgerDelta: Int64 = 1_000_000_000_000_000

    /// Seeds round-trip through JSON (`generation_job.params`), where integers above 2^53 lose
    /// precision and come back as doubles; the seed range stays exactly representable.
    public static let maxSeed: UInt64 = (1 << 53) - 1

    /// Unix times a cursor, a webhook or a callback may name: 1970 to the end of year 9999.
    public static let unixSeconds: ClosedRange<Double> = 0...253_402_300_799

    /// `value` when it is a token amount within ±`maxTokens`.
    public static func tokens(_ value: Int64) -> Int64? {
        value.magnitude <= UInt64(maxTokens) ? value : nil
    }

    /// A whole number held in a `Double` (JSON numbers read back from the database), when it is
    /// finite, integral and inside `range`; nil otherwise, never a trap.
    public static func integer(_ value: Double, in range: ClosedRange<Int64>) -> Int64? {
        guard value.isFinite, let whole = Int64(exactly: value), range.contains(whole) else { return nil }
        return whole
    }

    /// A date from Unix seconds when they are finite and within `unixSeconds`.
    public static func date(unixSeconds seconds: Double) -> Date? {
        guard seconds.isFinite, unixSeconds.contains(seconds) else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// A non-negative number of seconds (`Retry-After`, a delay) capped at `limit`; nil when the
    /// text is not a finite non-negative number.
    public static func seconds(_ text: some StringProtocol, cappedAt limit: Double) -> Double? {
        guard let value = Double(text), value.isFinite, value >= 0 else { return nil }
        return min(value, limit)
    }
}

extension Int64 {
    /// `self * factor + addend`, nil on overflow instead of a trap (money paths use this).
    public func checkedMultiply(_ factor: Int64, adding addend: Int64 = 0) -> Int64? {
        let (product, overflow) = multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        let (sum, sumOverflow) = product.addingReportingOverflow(addend)
        return sumOverflow ? nil : sum
    }
}
