import Accounts
import Billing
import Brands
import Core
import Foundation
import Generation
import Hummingbird
import Logging
import PostgresNIO

/// The admin user detail: the user with the first page of their brands, jobs and ledger. The
/// composition root reads each domain through that domain's own service or store.
struct AdminUsers: Sendable {
    let client: PostgresClient
    let jobs: JobService
    /// Admins by configuration, beside those granted in the database.
    let adminEmails: Set<String>
    static let firstPage = 20

    struct Detail: ResponseEncodable {
        let user: User
        /// Admin by either route: `BLUMPO_ADMIN_EMAILS` or `is_admin`.
        let isAdmin: Bool
        let tokens: TokenSummary?
        let brands: Page<AdminBrand>
        let jobs: Page<GenerationJob>
        let ledger: Page<LedgerEntry>
        enum CodingKeys: String, CodingKey { case user, tokens, brands, jobs, ledger, isAdmin = "is_admin" }
    }

    func detail(_ id: UUID, logger: Logger) async throws -> Detail {
        let (user, tokens) = try await client.withConnection { connection in
            guard let user = try await UserStore().find(id: id, on: connection, logger: logger) else { throw AppError.notFound("User") }
            return (user, try await TokenAccountStore().summary(for: id, on: connection, logger: logger))
        }
        let brands = try await BrandAdmin(client: client).list(query: "", status: nil, userID: id, cursor: nil, limit: Self.firstPage, logger: logger)
        let jobs = try await jobs.adminList(AdminJobFilter(userID: id), cursor: nil, limit: Self.firstPage, logger: logger)
        return Detail(
            user: user, isAdmin: user.isAdmin || adminEmails.contains(user.email), tokens: tokens, brands: brands, jobs: jobs,
            ledger: try await ledger(id, cursor: nil, limit: Self.firstPage, logger: logger))
    }

    /// A user's ledger, newest first; the cursor is the last entry's id.
    func ledger(_ id: UUID, cursor: String?, limit: Int, logger: Logger) async throws -> Page<LedgerEntry> {
        var before: Int64?
        if let cursor {
            guard cursor.utf8.count <= 20, let value = Int64(cursor), value > 0 else { throw AppError.invalidCursor }
            before = value
        }
        let entries = try await client.withConnection { [before] connection in
            try await TokenLedger().page(for: id, beforeID: before, limit: limit + 1, on: connection, logger: logger)
        }
        let items = Array(entries.prefix(limit))
        return Page(items: items, nextCursor: entries.count > limit ? items.last.map { String($0.id) } : nil)
    }
}
