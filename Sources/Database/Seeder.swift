public import Logging
public import PostgresNIO

/// Loads the reference data every install needs (plans, top-ups, pricing, archetypes,
/// workflows). Every statement is idempotent, so running it again changes nothing.
public struct Seeder: Sendable {
    public init() {}

    public func seed(_ client: PostgresClient, logger: Logger) async throws {
        let files = try Migration.sqlFiles(in: "Seed")
        try await client.transaction(logger: logger) { connection in
            for file in files {
                for statement in SQLScript.statements(in: file.text) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
        }
    }
}
