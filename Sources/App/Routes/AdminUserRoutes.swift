import Accounts
import Audit
import Billing
public import Core
import Foundation
public import Hummingbird
import PostgresNIO

/// `/api/v1/admin/users`: search, detail (with brands, jobs and ledger), the ledger's pages,
/// ban and unban.
struct AdminUserRoutes: Sendable {
    let auth: AuthService
    let client: PostgresClient
    let users: AdminUsers
    let userStore = UserStore()

    func register(on router: Router<AppRequestContext>) {
        let admin = router.group("api/v1/admin/users", context: AdminContext.self)
        admin.get { request, context -> Page<User> in
            let query = request.uri.queryParameters["query"].map(String.init) ?? ""
            guard query.count <= 200 else { throw AppError.validation(["query": "must be at most 200 characters"]) }
            let limit = try request.listLimit(default: 50, maximum: 200)
            let after = try Keyset(cursor: request.uri.queryParameters["cursor"].map(String.init))
            let found = try await client.withConnection { connection in
                try await userStore.search(query: query, after: after, limit: limit + 1, on: connection, logger: context.logger)
            }
            return Page(rows: found, limit: limit) { ($0.createdAt, $0.id) }
        }
        admin.get("{id}") { _, context -> AdminUsers.Detail in
            try await users.detail(try context.parameters.require("id", as: UUID.self), logger: context.logger)
        }
        admin.get("{id}/ledger") { request, context -> Page<LedgerEntry> in
            try await users.ledger(
                try context.parameters.require("id", as: UUID.self), cursor: request.uri.queryParameters["cursor"].map(String.init),
                limit: try request.listLimit(default: 50, maximum: 200), logger: context.logger)
        }
        admin.post("{id}/ban") { _, context -> User in
            try await auth.setBanned(try context.parameters.require("id", as: UUID.self), true, actor: context.actor, logger: context.logger)
        }
        admin.post("{id}/unban") { _, context -> User in
            try await auth.setBanned(try context.parameters.require("id", as: UUID.self), false, actor: context.actor, logger: context.logger)
        }
    }
}

extension Page: ResponseEncodable {}
