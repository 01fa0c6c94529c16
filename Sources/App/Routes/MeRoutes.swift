public import Accounts
import Billing
import Core
import Foundation
public import Hummingbird
import PostgresNIO

/// `/api/v1/me`: the signed-in user's profile, token summary and email change.
struct MeRoutes: Sendable {
    let auth: AuthService
    let client: PostgresClient
    let accounts = TokenAccountStore()

    struct MeBody: ResponseEncodable {
        let user: User
        let tokens: TokenSummary?
        let isAdmin: Bool
        enum CodingKeys: String, CodingKey {
            case user, tokens
            case isAdmin = "is_admin"
        }
    }

    struct EmailChange: Decodable {
        let email: String
    }

    func register(on router: Router<AppRequestContext>) {
        let me = router.group("api/v1/me", context: AuthenticatedContext.self)
        me.get { _, context -> MeBody in
            let identity = context.identity
            let tokens = try await client.withConnection { try await accounts.summary(for: identity.user.id, on: $0, logger: context.logger) }
            return MeBody(user: identity.user, tokens: tokens, isAdmin: identity.isAdmin)
        }
        me.patch { request, context -> MeBody in
            let patch = try await request.decode(as: ProfilePatch.self, context: context)
            let identity = context.identity
            let user = try await auth.updateProfile(identity.user.id, patch, logger: context.logger)
            let tokens = try await client.withConnection { try await accounts.summary(for: user.id, on: $0, logger: context.logger) }
            return MeBody(user: user, tokens: tokens, isAdmin: identity.isAdmin)
        }
        me.post("email") { request, context -> EditedResponse<CodeIssuedBody> in
            let body = try await request.decode(as: EmailChange.self, context: context)
            let issued = try await auth.requestCode(
                email: body.email, purpose: .changeEmail, userID: context.identity.user.id, origin: context.origin(request),
                logger: context.logger)
            return EditedResponse(status: .accepted, response: CodeIssuedBody(issued))
        }
    }
}

extension User: ResponseEncodable {}
