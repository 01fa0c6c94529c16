public import Logging
public import PostgresNIO

/// Loads the reference data every install needs (plans, top-ups, pricing, archetypes,
/// workflows). Every statement is idempotent, so running it again changes nothing.
public struct Seeder: Sendable {
    public init() {}

    /// What the code cannot work without, named for `/readyz`; empty when all is there.
    public func missing(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let hasDefaultPlan = try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM subscription_plan WHERE is_default AND is_active)", logger: logger
        ).collect().first?.decode(Bool.self) ?? false
        return hasDefaultPlan ? [] : ["a default subscription plan (run `blumpo seed`)"]
    }

    public func seed(_ client: PostgresClient, logger: Logger) async throws {
        let files = try Migration.sqlFiles(in: "Seed")
        try await client.transaction(logger: logger) { connection in
            // Instances starting together seed one after the other ("insert if none" is not atomic).
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('blumpo-seed'))", logger: logger)
            for file in files {
                for statement in SQLScript.statements(in: file.text) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
        }
    }
}
