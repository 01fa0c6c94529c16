import Core
import HTTPTypes
import Hummingbird

/// Refuses API writes whose body is not declared JSON (415 `UNSUPPORTED_MEDIA_TYPE`).
///
/// A cross-site HTML form can post only `text/plain`, `application/x-www-form-urlencoded` or
/// `multipart/form-data`, without a preflight. Without this rule such a form, crafted to look
/// like JSON, could sign a victim into the attacker's account through `/auth/otp/verify`
/// (login CSRF: no cookie is involved, so the Origin check does not apply).
struct JSONBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Paths whose body is not JSON from a browser: provider callbacks check their own
    /// signatures over the raw bytes, and the asset upload is a multipart form.
    static func expectedMediaType(method: HTTPRequest.Method, path: String) -> String? {
        // Segments as the router sees them: it skips empty ones, so `//api//v1/…` is the same route.
        let segments = path.split(separator: "/").map(String.init)
        guard segments.starts(with: ["api", "v1"]), [.post, .put, .patch, .delete].contains(method) else { return nil }
        let route = segments.dropFirst(2)
        if route.elementsEqual(["webhooks", "stripe"]) || route.elementsEqual(["workflows", "callback"]) { return nil }
        if method == .post, route.count == 3, route.first == "brands", route.last == "assets" { return "multipart/form-data" }
        return "application/json"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expected = Self.expectedMediaType(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        let declared = request.headers[.contentType].map(Self.mediaType)
        let hasBody = request.headers[.transferEncoding] != nil || (request.headers[.contentLength].flatMap { Int($0) } ?? 0) > 0
        let accepted: Bool =
            switch declared {
            case nil: !hasBody
            case let type?: type == expected || (expected == "application/json" && type.hasPrefix("application/") && type.hasSuffix("+json"))
            }
        guard accepted else {
            throw Problem(
                status: .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
                detail: "Send the body as \(expected) with a matching Content-Type header.")
        }
        return try await next(request, context)
    }

    /// `Application/JSON; charset=utf-8` → `application/json`.
    static func mediaType(_ header: String) -> String {
        String(header.prefix { $0 != ";" }).trimmingWhitespace().lowercased()
    }
}
