/// An email address in its stored form: trimmed and lower-cased.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    /// Normalizes and checks the shape `local@domain.tld`; nil when it is not an address.
    public init?(_ raw: String) {
        let trimmed = raw.trimmingWhitespace().lowercased()
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.count <= 254, parts.count == 2,
            !parts[0].isEmpty, parts[0].count <= 64,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            trimmed.unicodeScalars.allSatisfy(Self.isAllowed)
        else { return nil }
        value = trimmed
    }

    public var description: String { value }

    /// Scalars an address may hold. Control, format and separator characters are refused: a CR
    /// or LF would reach SMTP's `RCPT TO` and the `To:` header as a command or header of its own
    /// (and `"\r\n"` is one Swift `Character`, so checking characters is not enough). So are
    /// the characters that quote, route or list addresses; letters of any script stay allowed.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return false
        default:
            return !"<>()[]\\,;:\"`".unicodeScalars.contains(scalar)
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (no Foundation needed).
    public func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let start = firstIndex(where: { !isSpace($0) }),
            let end = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[start...end])
    }
}
