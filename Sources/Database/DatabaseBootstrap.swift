public import Logging
public import PostgresNIO

/// Finds or starts the database a command should use.
///
/// With `DATABASE_URL` set, that server is used as is. Without it, the embedded cluster under
/// the data directory is created, started (or reused) and given its `blumpo` database.
public struct DatabaseBootstrap: Sendable {
    public let endpoint: DatabaseEndpoint
    /// The embedded cluster when this process started it, so the caller can stop it on exit.
    public let ownedCluster: EmbeddedPostgres?

    public static func prepare(
        databaseURL: String?, dataDirectory: String, extraSettings: [String: String] = [:], logger: Logger
    ) async throws -> DatabaseBootstrap {
        if let databaseURL, !databaseURL.isEmpty {
            let endpoint = try DatabaseEndpoint(url: databaseURL)
            try await endpoint.probe(logger: logger)
            return DatabaseBootstrap(endpoint: endpoint, ownedCluster: nil)
        }
        let cluster = EmbeddedPostgres(dataDirectory: dataDirectory, extraSettings: extraSettings)
        let server = try await cluster.start(logger: logger)
        let endpoint = DatabaseEndpoint(
            host: "127.0.0.1", port: server.port, username: EmbeddedPostgres.userName,
            password: server.password, database: EmbeddedPostgres.databaseName)
        do {
            try await ensureDatabase(endpoint, logger: logger)
        } catch {
            if server.startedHere { await cluster.stop(logger: logger) }
            throw error
        }
        logger.info("\(cluster.connectionHint(port: server.port))")
        return DatabaseBootstrap(endpoint: endpoint, ownedCluster: server.startedHere ? cluster : nil)
    }

    /// Creates the endpoint's database through the `postgres` maintenance database when missing.
    static func ensureDatabase(_ endpoint: DatabaseEndpoint, logger: Logger) async throws {
        let maintenance = endpoint.with(database: "postgres")
        try await withClient(maintenance, logger: logger) { client in
            let exists = try await client.query(
                "SELECT 1 FROM pg_database WHERE datname = \(endpoint.database)", logger: logger
            ).collect().isEmpty == false
            if !exists {
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(endpoint.database)\""), logger: logger)
            }
        }
    }
}

/// Runs `body` with a connection pool that lives exactly as long as the call.
public func withClient<T: Sendable>(
    _ endpoint: DatabaseEndpoint, logger: Logger, isolation: isolated (any Actor)? = #isolation,
    _ body: (PostgresClient) async throws -> T
) async throws -> T {
    let client = PostgresClient(configuration: endpoint.clientConfiguration, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self, returning: T.self, isolation: isolation) { group in
        group.addTask { await client.run() }
        // Let run() start before the first lease, which PostgresNIO otherwise warns about.
        try await Task.sleep(for: .milliseconds(5))
        defer { group.cancelAll() }
        return try await body(client)
    }
}
