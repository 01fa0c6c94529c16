public import Foundation
public import Logging
public import PostgresNIO

extension BrandStore {
    /// A brand and its insights, as everything that makes ads reads them (the planner, the
    /// renderer, external workflows); nil when the brand does not exist or is not `userID`'s.
    public func findWithInsights(
        _ id: UUID, userID: UUID? = nil, on connection: PostgresConnection, logger: Logger
    ) async throws -> (brand: Brand, insights: InsightFields?)? {
        let found = if let userID { try await find(id, userID: userID, on: connection, logger: logger) } else { try await find(id, on: connection, logger: logger) }
        guard let brand = found else { return nil }
        return (brand, try await InsightsStore().find(id, on: connection, logger: logger)?.fields)
    }
}
