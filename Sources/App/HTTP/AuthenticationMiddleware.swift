import Accounts
import Core
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Resolves the session (cookie `blumpo_session` or `Authorization: Bearer`) into an identity,
/// and refuses cookie-authenticated state changes from other origins (CSRF).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "blumpo_session"

    let auth: AuthService
    let adminEmails: Set<String>
    /// `scheme://host[:port]` of BLUMPO_BASE_URL: the only origin allowed to send cookie-authenticated writes.
    let allowedOrigin: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        // The web app's forms change state with or without a session (signing in is one): they
        // must come from this site, or another site could sign a visitor into its own account.
        if !Self.isSafe(request.method) && !request.uri.path.hasPrefix("/api/") && !originMatches(request) {
            throw Problem(status: .forbidden, code: "CSRF_REJECTED", detail: "Forms must be sent from \(allowedOrigin).")
        }
        if let (token, viaCookie) = Self.presentedToken(request),
            let user = try await withDatabaseDeadline(.seconds(5), { [auth, logger = context.logger] in try await auth.authenticate(token: token, logger: logger) })
        {
            let identity = Identity(user: user, token: token, viaCookie: viaCookie, isAdmin: user.isAdmin || adminEmails.contains(user.email))
            if viaCookie && !Self.isSafe(request.method) && !originMatches(request) {
                throw Problem(
                    status: .forbidden, code: "CSRF_REJECTED",
                    detail: "Cookie-authenticated changes must come from \(allowedOrigin) (Origin header); API clients use a bearer token.")
            }
            context.identity = identity
            context.logger[metadataKey: "user.id"] = "\(user.id)"
        }
        return try await next(request, context)
    }

    /// The bearer token wins over the cookie when both are present.
    static func presentedToken(_ request: Request) -> (String, viaCookie: Bool)? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return (String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), false)
        }
        if let cookie = request.cookies[cookieName]?.value, !cookie.isEmpty { return (cookie, true) }
        return nil
    }

    private static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }

    private func originMatches(_ request: Request) -> Bool {
        if let origin = request.headers[.origin] { return origin == allowedOrigin }
        // Some browsers omit Origin on same-origin requests but send Referer.
        if let referer = request.headers[.referer] { return referer == allowedOrigin || referer.hasPrefix(allowedOrigin + "/") }
        return false
    }
}

extension AppConfiguration {
    /// `scheme://host[:port]` of the base URL.
    var origin: String {
        guard let url = URL(string: baseURL), let scheme = url.scheme, let host = url.host else { return baseURL }
        return url.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }

    /// Cookies are Secure except when the app is served over plain http on localhost.
    var cookiesAreSecure: Bool {
        guard let url = URL(string: baseURL) else { return true }
        return !(url.scheme == "http" && ["localhost", "127.0.0.1", "::1"].contains(url.host ?? ""))
    }
}

extension AppConfiguration {
    /// The session cookie the API's sign-in and the web app's set (empty with max-age 0 clears it).
    func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: AuthenticationMiddleware.cookieName, value: value, maxAge: maxAge, path: "/",
            secure: cookiesAreSecure, httpOnly: true, sameSite: .lax)
    }
}
