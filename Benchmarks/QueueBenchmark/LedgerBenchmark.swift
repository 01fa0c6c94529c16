import Billing
import Database
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Job-sized token reservations through `TokenLedger.apply`, next to pgbench's built-in script.
enum LedgerBenchmark {
    static let clients = 32
    static let seconds = 10
    static let accounts = 1000
    static let logger = Logger(label: "bench.ledger")

    /// Reservations per second from `clients` concurrent callers over `accounts` accounts.
    static func reservationsPerSecond(_ client: PostgresClient) async throws -> Double {
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
                                userID: user, delta: -50, reason: .jobReserve, referenceID: "job:\(worker):\(counter)", on: connection, logger: logger)
                        }
                        done.value.add(1, ordering: .relaxed)
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(done.value.load(ordering: .relaxed)) / Double(seconds)
    }

    /// pgbench's TPC-B-like script (scale 10) with the same client count. A fixed number of
    /// transactions per client (`-t`) rather than a duration: started from this process, pgbench's
    /// `-T` timer was seen never to fire.
    static func pgbenchTPS(_ endpoint: DatabaseEndpoint) throws -> Double {
        let binary = ["/usr/lib/postgresql/17/bin/pgbench", "/usr/lib/postgresql/16/bin/pgbench", "/usr/lib/postgresql/15/bin/pgbench", "/usr/bin/pgbench"]
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "pgbench"
        let common = ["-h", endpoint.host, "-p", String(endpoint.port), "-U", endpoint.username]
        _ = try run(binary, ["-i", "-q", "-s", "10"] + common + [endpoint.database], password: endpoint.password)
        let output = try run(
            binary, ["-n", "-c", String(clients), "-j", "2", "-t", "150"] + common + [endpoint.database], password: endpoint.password)
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let value = Double(line.dropFirst(6).prefix { $0.isNumber || $0 == "." })
        else { throw BenchmarkError("pgbench printed no tps line:\n\(output)") }
        return value
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
