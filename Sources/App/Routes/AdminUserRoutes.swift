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
    let accounts = TokenAccounts()

    struct UserDetail: ResponseEncodable {
        let user: User
        let tokens: TokenSummary?
    }

    func register(on router: Router<AppRequestContext>) {
        let admin = router.group("api/v1/admin/users", context: AdminContext.self)
        admin.get { request, context -> Page<User> in
            let query = request.uri.queryParameters["query"].map(String.init) ?? ""
            let limit = min(max(request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 50, 1), 200)
            var after: (Date, UUID)?
            if let text = request.uri.queryParameters["cursor"] {
                guard let cursor = TimeCursor(encoded: String(text)), let id = UUID(uuidString: cursor.id) else {
                    throw AppError.validation(["cursor": "is not a cursor from this API"])
                }
                after = (cursor.time, id)
            }
            let found = try await client.withConnection { [after] connection in
                try await users.search(query: query, after: after, limit: limit + 1, on: connection, logger: context.logger)
            }
            let items = Array(found.prefix(limit))
            let next = found.count > limit ? items.last.map { TimeCursor(time: $0.createdAt, id: $0.id.uuidString).encoded } : nil
            return Page(items: items, nextCursor: next)
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
