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
    /// Well-formed but refused for a reason other than a field's value (422 with its own code).
    case unprocessable(code: String, detail: String)
    case unauthorized(code: String, detail: String)
    case forbidden(code: String, detail: String)
    case rateLimited(retryAfterSeconds: Int)
    case insufficientTokens(price: Int64, balance: Int64)
    case unavailable(code: String, detail: String)

    /// A list's `cursor` that this server did not make (400: the client sent garbage, not a bad field value).
    public static let invalidCursor = AppError.badRequest(code: "INVALID_CURSOR", detail: "cursor: is not a cursor from this list.")

    /// An `Idempotency-Key` sent again with a different body: the first request's result would be wrong for it.
    public static let idempotencyKeyReused = AppError.unprocessable(
        code: "IDEMPOTENCY_KEY_REUSED", detail: "This Idempotency-Key was already used with a different request; use a new key for a new request.")

    /// The stable machine-readable code clients switch on.
    public var code: String {
        switch self {
        case .notFound: "NOT_FOUND"
        case .conflict(let code, _): code
        case .exists(let code, _, _): code
        case .validation: "VALIDATION"
        case .badRequest(let code, _): code
        case .unprocessable(let code, _): code
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
        case .conflict(_, let detail), .badRequest(_, let detail), .exists(_, let detail, _), .unprocessable(_, let detail),
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
