public import Database
public import Foundation
public import Logging
public import PostgresNIO

#if canImport(Glibc)
import Glibc
#endif

/// A database of its own for one test, cloned from a migrated and seeded template.
///
/// The cluster is the embedded PostgreSQL under `.blumpo/test` (fsync off), started once per
/// test process and stopped when the process exits; `BLUMPO_TEST_DATABASE_URL` points the
/// suite at another server instead.
public struct TestDatabase: Sendable {
    public let endpoint: DatabaseEndpoint
    public let client: PostgresClient
    public let logger: Logger

    /// Creates a fresh database, runs `body` with a running client, then drops the database.
    /// With `empty`, the database has no schema at all (for migration tests).
    public static func with<T: Sendable>(empty: Bool = false, _ body: (TestDatabase) async throws -> T) async throws -> T {
        let logger = Logger(label: "test")
        // Tests start all at once; at most `DatabaseSlots.limit` hold a database (and its
        // connections) at a time, so the server's connection limit is never the test's failure.
        await DatabaseSlots.shared.acquire()
        defer { Task { await DatabaseSlots.shared.release() } }
        let endpoint = try await TestCluster.shared.createDatabase(fromTemplate: !empty)
        // The whole suite runs at once against one server: a dozen connections per test is
        // plenty (the concurrency tests use fewer), and keeps the total under its limit.
        var configuration = endpoint.clientConfiguration
        configuration.options.maximumConnections = 12
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            do {
                return .success(try await body(TestDatabase(endpoint: endpoint, client: client, logger: logger)))
            } catch {
                return .failure(error)
            }
        }
        try await TestCluster.shared.drop(endpoint.database)
        return try result.get()
    }

    /// Runs a query and decodes its single row.
    public func one<each T: PostgresDecodable>(_ query: PostgresQuery, as types: (repeat each T).Type) async throws -> (repeat each T) {
        let rows = try await client.query(query, logger: logger).collect()
        guard let row = rows.first, rows.count == 1 else {
            throw TestSupportError("expected one row, got \(rows.count) for \(query.sql)")
        }
        return try row.decode((repeat each T).self)
    }

    /// Polls until `condition` holds or `timeout` passes; returns whether it held.
    public func eventually(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws -> Bool {
        try await TestSupport.eventually(timeout: timeout, condition)
    }

    /// Runs a statement, ignoring any rows.
    public func execute(_ query: PostgresQuery) async throws {
        try await client.query(query, logger: logger)
    }
}

/// A failed precondition inside the test harness.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The per-process test cluster and its template database.
actor TestCluster {
    static let shared = TestCluster()
    private let logger = Logger(label: "test.cluster")
    /// One preparation per process; concurrent first callers all await the same one.
    private var preparation: Task<(server: DatabaseEndpoint, template: String), any Error>?
    private var preparedServer: DatabaseEndpoint?

    func createDatabase(fromTemplate: Bool) async throws -> DatabaseEndpoint {
        let (server, prepared) = try await prepare()
        let template = fromTemplate ? prepared : "template0"
        let name = TestDatabaseName.make()
        try await withClient(server.with(database: "postgres"), logger: logger) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"), logger: logger)
        }
        return server.with(database: name)
    }

    func drop(_ database: String) async throws {
        guard let server = preparedServer else { return }
        try await withClient(server.with(database: "postgres"), logger: logger) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(database) WITH (FORCE)"), logger: logger)
        }
    }

    private func prepare() async throws -> (server: DatabaseEndpoint, template: String) {
        if let preparation { return try await preparation.value }
        let task = Task { try await self.prepareOnce() }
        preparation = task
        let prepared = try await task.value
        preparedServer = prepared.server
        return prepared
    }

    private func prepareOnce() async throws -> (server: DatabaseEndpoint, template: String) {
        let runStarted = Date()
        let server = try await startServer()
        let dropped = try await dropLeftovers(on: server, createdBefore: runStarted)
        if !dropped.isEmpty {
            logger.info("dropped test databases left by an earlier run", metadata: ["count": "\(dropped.count)"])
        }
        let migrations = try Migration.bundled()
        let template = TemplateFingerprint.templateName(migrations: migrations, seedFiles: try TemplateFingerprint.bundledSeedFiles())
        try await withClient(server.with(database: "postgres"), logger: logger) { client in
            let exists = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(template)", logger: logger)
                .collect().isEmpty == false
            if !exists {
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(template)"), logger: logger)
            }
        }
        if try await needsMigration(server.with(database: template)) {
            try await withClient(server.with(database: template), logger: logger) { client in
                try await Migrator(migrations: migrations).migrate(client, logger: logger)
                try await Seeder().seed(client, logger: logger)
            }
        }
        return (server, template)
    }

    /// Drops the test databases an earlier run left behind (it crashed or was killed before
    /// dropping them): those named by `TestDatabaseName` and created before `cutoff`. One that
    /// someone is still connected to (another test process on the same server) is in use and
    /// stays: the drop is not forced. Returns the names dropped.
    func dropLeftovers(createdBefore cutoff: Date) async throws -> [String] {
        let (server, _) = try await prepare()
        return try await dropLeftovers(on: server, createdBefore: cutoff)
    }

    private func dropLeftovers(on server: DatabaseEndpoint, createdBefore cutoff: Date) async throws -> [String] {
        try await withClient(server.with(database: "postgres"), logger: logger) { client in
            let names = try await client.query("SELECT datname FROM pg_database WHERE starts_with(datname, \(TestDatabaseName.prefix))", logger: logger)
                .collect().map { try $0.decode(String.self) }
            var dropped: [String] = []
            for name in names {
                guard let created = TestDatabaseName.creation(of: name), created < cutoff else { continue }
                do {
                    _ = try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name)"), logger: logger)
                    dropped.append(name)
                } catch {
                    logger.debug("kept a test database that is in use", metadata: ["database": "\(name)", "error": "\(String(reflecting: error))"])
                }
            }
            return dropped
        }
    }

    private func needsMigration(_ endpoint: DatabaseEndpoint) async throws -> Bool {
        try await withClient(endpoint, logger: logger) { client in
            try await !Migrator().pending(client, logger: logger).isEmpty
        }
    }

    private func startServer() async throws -> DatabaseEndpoint {
        if let url = ProcessInfo.processInfo.environment["BLUMPO_TEST_DATABASE_URL"] {
            return try DatabaseEndpoint(url: url)
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dataDirectory = packageRoot.appendingPathComponent(".blumpo/test").path
        let bootstrap = try await DatabaseBootstrap.prepare(
            databaseURL: nil, dataDirectory: dataDirectory,
            extraSettings: ["fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "400"],
            logger: logger)
        if let cluster = bootstrap.ownedCluster {
            ownedCluster = cluster
            atexit { ownedCluster?.stopSynchronously(logger: Logger(label: "test.cluster")) }
        }
        return bootstrap.endpoint
    }
}

/// Names of the databases the harness creates: `blumpo_test_<seconds since 1970>_<random>`, so
/// a later run can tell its own from those an earlier run left behind.
enum TestDatabaseName {
    static let prefix = "blumpo_test_"

    static func make(at date: Date = Date()) -> String {
        prefix + "\(Int(date.timeIntervalSince1970))_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// When a harness-made database was created, from its name; nil for any other name. Names
    /// from before the creation time was part of them (`blumpo_test_<32 hex digits>`) count as
    /// created at 1970.
    static func creation(of name: String) -> Date? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        let parts = rest.split(separator: "_", omittingEmptySubsequences: false)
        let isHex = { (text: Substring) in text.count == 32 && text.allSatisfy(\.isHexDigit) }
        if parts.count == 1, isHex(parts[0]) { return Date(timeIntervalSince1970: 0) }
        guard parts.count == 2, let seconds = Int(parts[0]), isHex(parts[1]) else { return nil }
        return Date(timeIntervalSince1970: Double(seconds))
    }
}

extension TestDatabase {
    /// Drops the test databases left on the test server by runs that did not get to drop them,
    /// as the harness does at start with the start of the run as `cutoff`; returns their names.
    public static func dropLeftoverDatabases(createdBefore cutoff: Date) async throws -> [String] {
        try await TestCluster.shared.dropLeftovers(createdBefore: cutoff)
    }

    /// The name of the template database for these migrations and seed files: it changes when
    /// any of them does, so an edited or added migration or seed file builds a new template.
    public static func templateName(migrations: [Migration], seedFiles: [(name: String, text: String)]) -> String {
        TemplateFingerprint.templateName(migrations: migrations, seedFiles: seedFiles)
    }

    /// The template name for the migrations and seed files of this build.
    public static func currentTemplateName() throws -> String {
        TemplateFingerprint.templateName(migrations: try Migration.bundled(), seedFiles: try TemplateFingerprint.bundledSeedFiles())
    }
}

/// The cluster this test process started, stopped by an exit handler.
nonisolated(unsafe) private var ownedCluster: EmbeddedPostgres?

extension String {
    /// FNV-1a over the UTF-8 bytes: stable across processes, unlike `hashValue`.
    var hashValueStable: UInt64 {
        utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}

/// A counting semaphore for test databases.
actor DatabaseSlots {
    static let shared = DatabaseSlots()
    static let limit = 16
    private var used = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if used < Self.limit {
            used += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            used -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
