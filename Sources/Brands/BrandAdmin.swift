public import Core
import Database
public import Foundation
public import Logging
public import PostgresNIO

/// What admins read about brands: every user's, with extraction outcomes and evidence, and the
/// extraction problems across all of them. Read-only.
public struct BrandAdmin: Sendable {
    let client: PostgresClient
    let store = BrandAdminStore()
    /// Failing steps read per request for grouping: enough for the problems of the moment,
    /// bounded so the view stays cheap however many brands failed.
    public static let problemWindow = 5000

    public init(client: PostgresClient) {
        self.client = client
    }

    public enum Overall: String, Sendable, CaseIterable {
        case pending, ok, partial, error
    }

    public func list(query: String, status: Overall?, userID: UUID? = nil, cursor: String?, limit: Int, logger: Logger) async throws -> Page<AdminBrand> {
        let after = try Keyset(cursor: cursor)
        let rows = try await client.withConnection {
            try await store.brands(query: query, status: status?.rawValue, userID: userID, after: after, limit: limit + 1, on: $0, logger: logger)
        }
        return Page(rows: rows, limit: limit) { ($0.brand.createdAt, $0.brand.id) }
    }

    public func detail(_ id: UUID, logger: Logger) async throws -> AdminBrand {
        guard let brand = try await client.withConnection({ try await store.brand(id, on: $0, logger: logger) }) else { throw AppError.notFound("Brand") }
        return brand
    }

    public func problems(step: ExtractionStep?, limit: Int, logger: Logger) async throws -> [ExtractionProblem] {
        let failures = try await client.withConnection { try await store.failures(step: step, limit: Self.problemWindow, on: $0, logger: logger) }
        return Array(ExtractionProblem.group(failures).prefix(limit))
    }
}
