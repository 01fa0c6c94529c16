import Core
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
