import AsyncHTTPClient
import Billing
import Core
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PostgresNIO
import Storage

/// Turns every error into a problem+json response and stamps each response with its request id.
///
/// `AppError` maps to its status and stable code; Hummingbird's own errors (unknown route,
/// undecodable body) keep their status; anything else is a 500 that is logged once with detail
/// and shown to the client only as "internal error" plus the request id.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Renders the problem as a page for browsers on the web app's paths.
    var pages: WebRenderer?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let problem = problem(for: error, request: request, context: context)
            if let pages, Self.wantsPage(request), let page = try? pages.errorPage(problem, requestID: context.id) {
                response = page
            } else {
                response = problem.response(requestID: context.id)
            }
        }
        response.headers[.requestID] = context.id
        return response
    }

    private func problem(for error: any Error, request: Request, context: Context) -> Problem {
        if let wrapped = error as? PostgresTransactionError, let cause = wrapped.closureError {
            return problem(for: cause, request: request, context: context)
        }
        switch error {
        case let error as AppError:
            return Problem(error)
        case let error as Problem:
            return error
        case let error as any HTTPResponseError:
            let status = error.status
            let code: String =
                switch status {
                case .notFound: "NOT_FOUND"
                case .methodNotAllowed: "METHOD_NOT_ALLOWED"
                case .contentTooLarge: "PAYLOAD_TOO_LARGE"
                case .unsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE"
                default: status.code < 500 ? "BAD_REQUEST" : "INTERNAL"
                }
            let detail: String =
                switch status {
                case .notFound: "No route matches \(request.method) \(request.uri.path)."
                default: (error as? HTTPError)?.body ?? status.reasonPhrase
                }
            return Problem(status: status, code: code, detail: detail)
        case is TimeoutError, is HTTPClientError, is BlobStoreError:
            // An outside service (Stripe, the blob store, the model) did not answer in time.
            context.logger.warning("outside service failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return Problem(status: .serviceUnavailable, code: "UPSTREAM_UNAVAILABLE", detail: "A service this request needs did not answer in time; try again shortly.")
        case let error as StripeError:
            context.logger.warning("stripe refused", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return Problem(status: .badGateway, code: "PAYMENTS_UPSTREAM_ERROR", detail: "The payment provider refused the request; try again or contact support.")
        case let error as PSQLError where Self.inputRejectedByTheDatabase.contains(error.serverInfo?[.sqlState] ?? ""):
            // Text or a number from the request that PostgreSQL cannot store (a NUL character, a
            // value beyond a column's range) slipped past validation: the caller's input, not a fault.
            context.logger.warning("input refused by the database", metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")", "path": "\(request.uri.path)"])
            return Problem(
                status: .unprocessableContent, code: "INVALID_VALUE",
                detail: "A value in the request cannot be stored (a NUL character, or a number or text out of range).")
        case let error as PSQLError where error.serverInfo?[.sqlState] == "23505":
            // A unique value from the request (a Stripe id, a code) that another row already has:
            // the caller can choose another; nothing was written.
            context.logger.info("unique value refused", metadata: ["constraint": "\(error.serverInfo?[.constraintName] ?? "")", "path": "\(request.uri.path)"])
            return Problem(status: .conflict, code: "CONFLICT", detail: "A value in the request is already used by another record.")
        case let error as APIRequestDecoder.Failure:
            return problem(for: error.underlying, request: request, context: context)
        case let error as DecodingError:
            // A field of the wrong type or out of its type's range is the field's problem (422,
            // named); a body that is not JSON at all has no field to name (400).
            guard let (field, reason) = Self.field(of: error) else {
                return Problem(status: .badRequest, code: "BAD_REQUEST", detail: "The request body is not valid JSON for this endpoint.")
            }
            return Problem(AppError.validation([field: reason]))
        default:
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return Problem(status: .internalServerError, code: "INTERNAL", detail: "An internal error occurred; quote the request id when reporting it.")
        }
    }
}

extension ProblemMiddleware {
    /// A browser asking for a page (not the API, files or probes) gets the error as a page.
    static func wantsPage(_ request: Request) -> Bool {
        let path = request.uri.path
        guard !["/api/", "/blobs/", "/s/", "/static/", "/healthz", "/readyz", "/metrics"].contains(where: { path.hasPrefix($0) }) else { return false }
        return request.headers[.accept]?.contains("text/html") == true
    }

    /// The dotted path of the field a decoding error is about, and what was wrong with it.
    static func field(of error: DecodingError) -> (String, String)? {
        func name(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context) where !context.codingPath.isEmpty:
            return (name(context.codingPath), "must be \(Self.describe(type))")
        case .valueNotFound(let type, let context) where !context.codingPath.isEmpty:
            return (name(context.codingPath), "must be \(Self.describe(type)), not null")
        case .keyNotFound(let key, let context):
            return (name(context.codingPath + [key]), "is required")
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return (name(context.codingPath), "is out of range or not a value this field takes")
        default:
            return nil
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        let text = String(describing: type)
        if text.contains("Int") { return "a whole number in range" }
        if text.contains("Double") || text.contains("Float") { return "a number" }
        if text.contains("String") { return "a string" }
        if text.contains("Bool") { return "true or false" }
        if text.contains("Array") { return "an array" }
        if text.contains("Dictionary") { return "an object" }
        return "a value of another type"
    }

    /// SQLSTATEs of class 22 that only input causes: NUL or unencodable text, too long,
    /// numeric out of range, bad text representation.
    static var inputRejectedByTheDatabase: Set<String> { ["22021", "22P05", "22001", "22003", "22P02", "22008"] }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}
