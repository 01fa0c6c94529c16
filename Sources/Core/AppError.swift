/// A failure the product knows how to explain to a caller.
///
/// `AppError` is free of HTTP: the web layer maps each case to a status code and a
/// problem+json body, whose `code` is the stable string below.
public enum AppError: Error, Equatable, Sendable {
    case notFound(String)
    case conflict(code: String, detail: String)
    /// A conflict with an object the caller owns, named by `id` (e.g. `BRAND_EXISTS`).
    case exists(code: String, detail: String, id: String)
    case validation([String: String])
    case badRequest(code: String, detail: String)
    case unauthorized(code: String, detail: String)
    case forbidden(code: String, detail: String)
    case rateLimited(retryAfterSeconds: Int)
    case insufficientTokens(price: Int64, balance: Int64)
    case unavailable(code: String, detail: String)

    /// The stable machine-readable code clients switch on.
    public var code: String {
        switch self {
        case .notFound: "NOT_FOUND"
        case .conflict(let code, _): code
        case .exists(let code, _, _): code
        case .validation: "VALIDATION"
        case .badRequest(let code, _): code
        case .unauthorized(let code, _): code
        case .forbidden(let code, _): code
        case .rateLimited: "RATE_LIMITED"
        case .insufficientTokens: "INSUFFICIENT_TOKENS"
        case .unavailable(let code, _): code
        }
    }

    /// A sentence for humans; never contains secrets.
    public var detail: String {
        switch self {
        case .notFound(let what): "\(what) was not found."
        case .conflict(_, let detail), .badRequest(_, let detail), .exists(_, let detail, _),
            .unauthorized(_, let detail), .forbidden(_, let detail):
            detail
        case .validation(let fields):
            "Invalid fields: " + fields.keys.sorted().map { "\($0) (\(fields[$0]!))" }.joined(separator: ", ")
        case .rateLimited(let seconds): "Too many requests; retry in \(seconds) seconds."
        case .insufficientTokens(let price, let balance):
            "This costs \(price) tokens and the balance is \(balance)."
        case .unavailable(_, let detail): detail
        }
    }
}
