import Accounts
import Core
import Foundation
import Hummingbird

/// `/api/v1/auth/*`: ask for a code, verify it, sign out.
struct AuthRoutes: Sendable {
    let auth: AuthService
    let configuration: AppConfiguration

    struct CodeRequest: Decodable {
        let email: String
        let purpose: OTPPurpose?
    }

    struct VerifyRequest: Decodable {
        let email: String
        let code: String
        let purpose: OTPPurpose?
    }

    struct SignedInBody: ResponseEncodable {
        let user: User
        let token: String
        let expiresAt: Date
        enum CodingKeys: String, CodingKey {
            case user, token
            case expiresAt = "expires_at"
        }
    }

    func register(on router: Router<AppRequestContext>) {
        let group = router.group("api/v1/auth")
        group.post("otp") { request, context -> EditedResponse<CodeIssuedBody> in
            let body = try await request.decode(as: CodeRequest.self, context: context)
            let purpose = body.purpose ?? .login
            guard purpose != .changeEmail else {
                throw AppError.validation(["purpose": "CHANGE_EMAIL codes are requested with POST /api/v1/me/email"])
            }
            let issued = try await auth.requestCode(email: body.email, purpose: purpose, origin: context.origin(request), logger: context.logger)
            return EditedResponse(status: .accepted, response: CodeIssuedBody(issued))
        }
        group.post("otp/verify") { request, context -> Response in
            let body = try await request.decode(as: VerifyRequest.self, context: context)
            let signedIn = try await auth.verify(
                email: body.email, code: body.code, purpose: body.purpose ?? .login, origin: context.origin(request), logger: context.logger)
            var response = try SignedInBody(user: signedIn.user, token: signedIn.token, expiresAt: signedIn.expiresAt)
                .response(from: request, context: context)
            response.setCookie(configuration.sessionCookie(signedIn.token, maxAge: Int(signedIn.expiresAt.timeIntervalSinceNow)))
            return response
        }
        let signedIn = router.group("api/v1/auth", context: AuthenticatedContext.self)
        signedIn.post("logout") { _, context -> Response in
            try await auth.logout(token: context.identity.token, logger: context.logger)
            return signedOutResponse()
        }
        signedIn.post("logout-all") { _, context -> Response in
            try await auth.logoutEverywhere(userID: context.identity.user.id, logger: context.logger)
            return signedOutResponse()
        }
    }

    private func signedOutResponse() -> Response {
        var response = Response(status: .noContent)
        response.setCookie(configuration.sessionCookie("", maxAge: 0))
        return response
    }
}

/// `{expires_at, resend_available_at}` of a requested code.
struct CodeIssuedBody: ResponseEncodable {
    let expiresAt: Date
    let resendAvailableAt: Date

    init(_ issued: AuthService.CodeIssued) {
        expiresAt = issued.expiresAt
        resendAvailableAt = issued.resendAvailableAt
    }

    enum CodingKeys: String, CodingKey {
        case expiresAt = "expires_at"
        case resendAvailableAt = "resend_available_at"
    }
}

extension RequestContext {
    /// The caller's address and user agent, for rate limits and the audit columns.
    func origin(_ request: Request) -> RequestOrigin {
        let ip = (self as? AppRequestContext)?.clientIP ?? (self as? AuthenticatedContext)?.clientIP
        return RequestOrigin(ipAddress: ip, userAgent: request.headers[.userAgent].map { String($0.prefix(512)) })
    }
}
