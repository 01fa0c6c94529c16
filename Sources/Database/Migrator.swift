public import Logging
public import PostgresNIO

/// Applies bundled migrations in order, each in its own transaction, under an advisory lock.
public struct Migrator: Sendable {
    /// Arbitrary constant shared by every Blumpo process: concurrent runners queue on it.
    static let advisoryLockKey: Int64 = 0x626C_756D_706F_0001

    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    public init() throws {
        self.init(migrations: try Migration.bundled())
    }

    /// Applies what is pending and returns the names applied now (empty when up to date).
    @discardableResult
    public func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
            do {
                let applied = try await applyPending(on: connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                throw error
            }
        }
    }

    /// Names of bundled migrations not yet applied; throws when applied ones were edited.
    public func pending(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in
            let exists = try await connection.query(
                "SELECT to_regclass('public.schema_migrations') IS NOT NULL", logger: logger
            ).collect().first?.decode(Bool.self) ?? false
            guard exists else { return migrations.map(\.name) }
            return try await pendingMigrations(on: connection, logger: logger).map(\.name)
        }
    }

    private func applyPending(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var appliedNow: [String] = []
        for migration in try await pendingMigrations(on: connection, logger: logger) {
            do {
                try await connection.withTransaction(logger: logger) { transaction in
                    for statement in SQLScript.statements(in: migration.sql) {
                        try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await transaction.query(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                        logger: logger)
                }
            } catch let error as PostgresTransactionError {
                let cause = (error.closureError ?? error.commitError).map(String.init(reflecting:)) ?? "\(error)"
                throw DatabaseSetupError.migrationFailed("\(migration.name): \(cause)")
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            appliedNow.append(migration.name)
        }
        return appliedNow
    }

    private func pendingMigrations(on connection: PostgresConnection, logger: Logger) async throws -> [Migration] {
        var applied: [Int: String] = [:]
        for try await (version, checksum) in try await connection.query(
            "SELECT version, checksum FROM schema_migrations", logger: logger
        ).decode((Int, String).self) {
            applied[version] = checksum
        }
        let known = Set(migrations.map(\.version))
        let unknown = applied.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else { throw DatabaseSetupError.databaseAhead(versions: unknown) }
        for migration in migrations {
            if let checksum = applied[migration.version], checksum != migration.checksum {
                throw DatabaseSetupError.migrationEdited(name: migration.name)
            }
        }
        return migrations.filter { applied[$0.version] == nil }
    }
}
