import Billing
import Database
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Job-sized token reservations through `TokenLedger.apply`, next to pgbench's built-in script:
/// each side twice, alternating, after a warm-up; the median is printed.
enum LedgerBenchmark {
    static let clients = 32
    /// BENCH_LEDGER_SECONDS, else 10 s (or BENCH_SECONDS when that is shorter).
    static let seconds = BenchSize.integer(
        "BENCH_LEDGER_SECONDS", default: min(10, BenchSize.integer("BENCH_SECONDS", default: 10, in: 1...600)), in: 1...600)
    static let accounts = 1000
    static let pgbenchScale = 10
    static let pgbenchTransactions = 150
    static let logger = Logger(label: "bench.ledger")

    static func run(on server: DatabaseEndpoint) async throws {
        let ledgerDatabase = try await QueueBenchmark.freshDatabase("bench_ledger", on: server)
        let pgbenchDatabase = try await QueueBenchmark.freshDatabase("bench_pgbench", on: server)
        // As many connections as callers, as pgbench has one per client.
        var configuration = ledgerDatabase.clientConfiguration
        configuration.options.maximumConnections = clients
        let (ours, theirs) = try await withClient(configuration: configuration) { client in
            try await Migrator().migrate(client, logger: logger)
            try await Seeder().seed(client, logger: logger)
            let users = try await openAccounts(client)
            try initializePgbench(pgbenchDatabase)
            _ = try await reservationsPerSecond(client, users: users, seconds: min(2, seconds))
            _ = try pgbenchTPS(pgbenchDatabase, transactions: 20)
            var ours: [Double] = []
            var theirs: [Double] = []
            for _ in 0..<QueueBenchmark.repeats {
                ours.append(try await reservationsPerSecond(client, users: users, seconds: seconds))
                theirs.append(try pgbenchTPS(pgbenchDatabase, transactions: pgbenchTransactions))
            }
            return (ours, theirs)
        }
        let reservations = QueueBenchmark.median(ours)
        let pgbench = QueueBenchmark.median(theirs)
        print("")
        print("ledger benchmark (\(clients) concurrent clients each side, same PostgreSQL; each side \(QueueBenchmark.repeats)× alternating after a warm-up, median shown)")
        print(String(format: "  blumpo reservations: %8.0f per second  (lock, check, ledger row, balance update)  runs %@", reservations, QueueBenchmark.runs(ours)))
        print("    given: \(clients) callers for \(seconds) s over \(accounts) accounts, PostgresNIO pool of \(clients) connections, one transaction per reservation")
        print(String(format: "  pgbench TPC-B-like:  %8.0f transactions per second  runs %@", pgbench, QueueBenchmark.runs(theirs)))
        print("    given: -c \(clients) -j 2, scale \(pgbenchScale), \(pgbenchTransactions) transactions per client (-t), simple protocol")
        print(String(format: "  ratio blumpo/pgbench: %.2f  (target ≥ 0.50)", reservations / pgbench))
    }

    /// `accounts` users with a token account and a large balance.
    static func openAccounts(_ client: PostgresClient) async throws -> [UUID] {
        _ = try await client.query(
            """
            WITH users AS (
                INSERT INTO "user" (email) SELECT 'bench' || n || '@example.com' FROM generate_series(1, \(accounts)) n RETURNING id
            ) INSERT INTO token_account (user_id, balance) SELECT id, 0 FROM users
            """, logger: logger)
        let users = try await client.query("SELECT user_id FROM token_account", logger: logger).collect().map { try $0.decode(UUID.self) }
        for user in users {
            try await client.transaction(logger: logger) { connection in
                _ = try await TokenLedger().apply(
                    userID: user, delta: 1_000_000_000, reason: .adminAdjust, referenceID: "bench:\(user)", on: connection, logger: logger)
            }
        }
        return users
    }

    /// Reservations per second from `clients` concurrent callers over the accounts.
    static func reservationsPerSecond(_ client: PostgresClient, users: [UUID], seconds: Int) async throws -> Double {
        let round = UUID().uuidString.prefix(8)
        let done = Noop.Counter()
        let deadline = ContinuousClock.now + .seconds(seconds)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<clients {
                group.addTask {
                    var counter = 0
                    while ContinuousClock.now < deadline {
                        let user = users[(worker * 7919 + counter * 104_729) % users.count]
                        counter += 1
                        try await client.transaction(logger: logger) { connection in
                            _ = try await TokenLedger().apply(
                                userID: user, delta: -50, reason: .jobReserve, referenceID: "job:\(round):\(worker):\(counter)", on: connection, logger: logger)
                        }
                        done.value.add(1, ordering: .relaxed)
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(done.value.load(ordering: .relaxed)) / Double(seconds)
    }

    /// pgbench's tables at scale `pgbenchScale`.
    static func initializePgbench(_ endpoint: DatabaseEndpoint) throws {
        _ = try run(pgbenchBinary, ["-i", "-q", "-s", String(pgbenchScale)] + common(endpoint) + [endpoint.database], password: endpoint.password)
    }

    /// pgbench's TPC-B-like script with the same client count. A fixed number of transactions
    /// per client (`-t`) rather than a duration: started from this process, pgbench's `-T`
    /// timer was seen never to fire.
    static func pgbenchTPS(_ endpoint: DatabaseEndpoint, transactions: Int) throws -> Double {
        let output = try run(
            pgbenchBinary, ["-n", "-c", String(clients), "-j", "2", "-t", String(transactions)] + common(endpoint) + [endpoint.database],
            password: endpoint.password)
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let value = Double(line.dropFirst(6).prefix { $0.isNumber || $0 == "." })
        else { throw BenchmarkError("pgbench printed no tps line:\n\(output)") }
        return value
    }

    static var pgbenchBinary: String {
        ["/usr/lib/postgresql/17/bin/pgbench", "/usr/lib/postgresql/16/bin/pgbench", "/usr/lib/postgresql/15/bin/pgbench", "/usr/bin/pgbench"]
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "pgbench"
    }

    static func common(_ endpoint: DatabaseEndpoint) -> [String] {
        ["-h", endpoint.host, "-p", String(endpoint.port), "-U", endpoint.username]
    }

    private static func run(_ executable: String, _ arguments: [String], password: String?) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // A watchdog: a pgbench that outlives its run by a minute is stopped and reported.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds + 120), execute: watchdog)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        watchdog.cancel()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw BenchmarkError("\(executable) failed: \(text)") }
        return text
    }
}
