import Core
import Foundation
import Hummingbird

extension Request {
    /// The `limit` query parameter of a list: absent gives `defaultValue`; anything that is not a
    /// whole number from 1 to `maximum` is refused naming the field, never clamped silently.
    func listLimit(default defaultValue: Int, maximum: Int) throws -> Int {
        guard let text = uri.queryParameters["limit"] else { return defaultValue }
        guard text.utf8.count <= 6, let value = Int(String(text)), (1...maximum).contains(value) else {
            throw AppError.validation(["limit": "must be a whole number from 1 to \(maximum)"])
        }
        return value
    }
}

extension Request {
    /// A query parameter, nil when absent or empty: a form's "All" option and an empty date
    /// field send `name=`, which means no filter.
    func queryValue(_ name: String) -> Substring? {
        guard let text = uri.queryParameters[Substring(name)], !text.isEmpty else { return nil }
        return text
    }

    /// An optional id query parameter; anything but a UUID is refused naming the field.
    func queryID(_ name: String) throws -> UUID? {
        guard let text = queryValue(name) else { return nil }
        guard let id = UUID(uuidString: String(text)) else { throw AppError.validation([name: "must be an id"]) }
        return id
    }

    /// An optional RFC 3339 time or `YYYY-MM-DD` date query parameter.
    func queryTime(_ name: String) throws -> Date? {
        guard let text = queryValue(name) else { return nil }
        guard let date = RFC3339.parse(String(text)) else { throw AppError.validation([name: "must be an RFC 3339 time or a YYYY-MM-DD date"]) }
        return date
    }

    /// An optional short code query parameter (an archetype, a format): letters, digits, `_` and `-`.
    func queryCode(_ name: String) throws -> String? {
        guard let text = queryValue(name) else { return nil }
        guard (1...64).contains(text.utf8.count), text.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }) else {
            throw AppError.validation([name: "must be 1 to 64 letters, digits, _ or -"])
        }
        return String(text)
    }

    /// An optional `true` / `false` query parameter.
    func queryBool(_ name: String) throws -> Bool? {
        guard let text = queryValue(name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw AppError.validation([name: "must be true or false"])
        }
    }
}
