import Accounts
import Billing
public import Core
import Foundation
public import Hummingbird
import PostgresNIO

/// `/api/v1/admin/users`: search, detail, ban and unban.
struct AdminUserRoutes: Sendable {
    let auth: AuthService
    let client: PostgresClient
    let users = UserStore()
    let accounts = TokenAccountStore()

    struct UserDetail: ResponseEncodable {
        let user: User
        let tokens: TokenSummary?
    }

    func register(on router: Router<AppRequestContext>) {
        let admin = router.group("api/v1/admin/users", context: AdminContext.self)
        admin.get { request, context -> Page<User> in
            let query = request.uri.queryParameters["query"].map(String.init) ?? ""
            let limit = try request.listLimit(default: 50, maximum: 200)
            let after = try Keyset(cursor: request.uri.queryParameters["cursor"].map(String.init))
            let found = try await client.withConnection { connection in
                try await users.search(query: query, after: after, limit: limit + 1, on: connection, logger: context.logger)
            }
            return Page(rows: found, limit: limit) { ($0.createdAt, $0.id) }
        }
        admin.get("{id}") { _, context -> UserDetail in
            let id = try context.parameters.require("id", as: UUID.self)
            return try await client.withConnection { connection in
                guard let user = try await users.find(id: id, on: connection, logger: context.logger) else { throw AppError.notFound("User") }
                return UserDetail(user: user, tokens: try await accounts.summary(for: id, on: connection, logger: context.logger))
            }
        }
        admin.post("{id}/ban") { _, context -> User in
            try await auth.setBanned(try context.parameters.require("id", as: UUID.self), true, logger: context.logger)
        }
        admin.post("{id}/unban") { _, context -> User in
            try await auth.setBanned(try context.parameters.require("id", as: UUID.self), false, logger: context.logger)
        }
    }
}

extension Page: ResponseEncodable {}
