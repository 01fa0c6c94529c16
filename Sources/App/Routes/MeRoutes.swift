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
    let users = UserStore()
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

    /// Every field optional; a JSON null clears the field.
    struct ProfilePatch: Decodable {
        var displayName: String??
        var photoURL: String??
        var phoneNumber: String??

        enum CodingKeys: String, CodingKey {
            case displayName = "display_name"
            case photoURL = "photo_url"
            case phoneNumber = "phone_number"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func field(_ key: CodingKeys) throws -> String?? {
                guard container.contains(key) else { return nil }
                return .some(try container.decodeNil(forKey: key) ? nil : container.decode(String.self, forKey: key))
            }
            displayName = try field(.displayName)
            photoURL = try field(.photoURL)
            phoneNumber = try field(.phoneNumber)
        }

        /// Field → reason for every invalid value.
        func problems() -> [String: String] {
            var problems: [String: String] = [:]
            if case .some(.some(let name)) = displayName, name.trimmingWhitespace().isEmpty || name.count > 100 {
                problems["display_name"] = "must be 1 to 100 characters"
            }
            if case .some(.some(let url)) = photoURL {
                let parsed = URL(string: url)
                if url.count > 2048 || !["http", "https"].contains(parsed?.scheme ?? "") || parsed?.host == nil {
                    problems["photo_url"] = "must be an http(s) URL"
                }
            }
            if case .some(.some(let phone)) = phoneNumber, !Self.isE164(phone) {
                problems["phone_number"] = "must be in E.164 form, e.g. +14155550123"
            }
            return problems
        }

        static func isE164(_ text: String) -> Bool {
            guard text.first == "+" else { return false }
            let digits = text.dropFirst()
            return (2...15).contains(digits.count) && digits.first != "0" && digits.allSatisfy { $0.isASCII && $0.isNumber }
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
            let problems = patch.problems()
            guard problems.isEmpty else { throw AppError.validation(problems) }
            let identity = context.identity
            let (user, tokens) = try await client.withConnection { connection in
                guard let user = try await users.updateProfile(
                    identity.user.id, displayName: patch.displayName, photoURL: patch.photoURL, phoneNumber: patch.phoneNumber,
                    on: connection, logger: context.logger)
                else { throw AppError.notFound("User") }
                return (user, try await accounts.summary(for: user.id, on: connection, logger: context.logger))
            }
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
