import Core
import Database
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import TaskQueue

/// `make bench`: drains no-op tasks with Blumpo's workers, measures enqueue→start delay at a
/// light steady load, then drains the same number of jobs with pgqueuer on the same PostgreSQL
/// and prints both with their ratio. Then measures token reservations through the ledger
/// against pgbench's TPC-B-like script on the same server, and the brand extractors' time per
/// page against a bare HTML parse, and times the analytics and KPI queries on a million events.
@main
struct QueueBenchmark {
    static let taskCount = Int(ProcessInfo.processInfo.environment["BENCH_TASKS"] ?? "") ?? 50_000
    static let logger = Logger(label: "bench")

    static func main() async {
        do {
            // BENCH_ONLY=extraction or render runs only that benchmark (no database).
            switch ProcessInfo.processInfo.environment["BENCH_ONLY"] {
            case "extraction":
                try await ExtractionBenchmark.run()
                return
            case "render":
                try await RenderBenchmark.run()
                return
            default:
                break
            }
            // BENCH_ONLY=analytics runs only the analytics queries (on the benchmark's PostgreSQL).
            let analyticsOnly = ProcessInfo.processInfo.environment["BENCH_ONLY"] == "analytics"
            let bootstrap = try await DatabaseBootstrap.prepare(
                databaseURL: ProcessInfo.processInfo.environment["DATABASE_URL"], dataDirectory: ".blumpo/bench", logger: logger)
            do {
                if analyticsOnly { try await AnalyticsBenchmark.run(on: bootstrap.endpoint) } else { try await run(on: bootstrap.endpoint) }
            } catch {
                await bootstrap.ownedCluster?.stop(logger: logger)
                throw error
            }
            await bootstrap.ownedCluster?.stop(logger: logger)
        } catch {
            print("benchmark failed: \(error)")
            exit(1)
        }
    }

    static func run(on server: DatabaseEndpoint) async throws {
        let ours = try await freshDatabase("bench_blumpo", on: server)
        let theirs = try await freshDatabase("bench_pgqueuer", on: server)

        let (throughput, latency) = try await withClient(ours, logger: logger) { client in
            try await Migrator().migrate(client, logger: logger)
            let throughput = try await drain(client)
            let latency = try await lightLoadDelays(client)
            return (throughput, latency)
        }
        let pgqueuer = try runPgqueuer(theirs)

        print("")
        print("queue benchmark (\(taskCount) no-op tasks, one worker process, same PostgreSQL)")
        print(String(format: "  blumpo    drain: %8.0f tasks/s", throughput))
        print(String(format: "  pgqueuer  drain: %8.0f jobs/s  (QueueManager defaults, asyncpg, drain mode)", pgqueuer))
        print(String(format: "  ratio blumpo/pgqueuer: %.2f  (target ≥ 2.0)", throughput / pgqueuer))
        print(String(format: "  enqueue→start at light load: p50 %.1f ms, p99 %.1f ms  (target p99 < 50 ms)", latency.p50, latency.p99))

        let ledgerDatabase = try await freshDatabase("bench_ledger", on: server)
        let reservations = try await withClient(ledgerDatabase, logger: logger) { client in
            try await Migrator().migrate(client, logger: logger)
            try await Seeder().seed(client, logger: logger)
            return try await LedgerBenchmark.reservationsPerSecond(client)
        }
        let pgbench = try LedgerBenchmark.pgbenchTPS(try await freshDatabase("bench_pgbench", on: server))
        print("")
        print("ledger benchmark (\(LedgerBenchmark.clients) concurrent clients, \(LedgerBenchmark.seconds) s each, same PostgreSQL)")
        print(String(format: "  blumpo reservations: %8.0f per second  (lock, check, ledger row, balance update)", reservations))
        print(String(format: "  pgbench TPC-B-like:  %8.0f transactions per second", pgbench))
        print(String(format: "  ratio blumpo/pgbench: %.2f  (target ≥ 0.50)", reservations / pgbench))

        try await AnalyticsBenchmark.run(on: server)
        try await ExtractionBenchmark.run()
    }

    /// Drops and recreates a database so every run starts empty.
    static func freshDatabase(_ name: String, on server: DatabaseEndpoint) async throws -> DatabaseEndpoint {
        try await withClient(server.with(database: "postgres"), logger: logger) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
            _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        return server.with(database: name)
    }

    /// Enqueues every task, then times workers from start until the last one is completed.
    static func drain(_ client: PostgresClient) async throws -> Double {
        let store = TaskStore()
        let batch = try (0..<5_000).map { _ in try NewTask(kind: Noop.kind, payload: EmptyPayload()) }
        for start in stride(from: 0, to: taskCount, by: batch.count) {
            let slice = Array(batch.prefix(min(batch.count, taskCount - start)))
            try await client.withConnection { try await store.enqueue(slice, on: $0, logger: logger) }
        }
        let counter = Noop.Counter()
        let started = ContinuousClock.now
        try await withWorker(client, counter: counter) {
            while try await remaining(client) > 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        return Double(taskCount) / (ContinuousClock.now - started).inSeconds
    }

    /// One task every 20 ms for 400 tasks; the delay is `started_at - created_at` as PostgreSQL saw it.
    static func lightLoadDelays(_ client: PostgresClient) async throws -> (p50: Double, p99: Double) {
        try await client.query("TRUNCATE queue_task", logger: logger)
        let store = TaskStore()
        try await withWorker(client, counter: Noop.Counter()) {
            try await Task.sleep(for: .milliseconds(300))
            for _ in 0..<400 {
                let task = try NewTask(kind: Noop.kind, payload: EmptyPayload())
                try await client.withConnection { try await store.enqueue([task], on: $0, logger: logger) }
                try await Task.sleep(for: .milliseconds(20))
            }
            while try await remaining(client) > 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        var delays: [Double] = []
        for try await delay in try await client.query(
            "SELECT extract(epoch FROM started_at - created_at)::float8 * 1000 FROM queue_task", logger: logger
        ).decode(Double.self) {
            delays.append(delay)
        }
        delays.sort()
        return (delays[delays.count / 2], delays[min(delays.count - 1, Int(Double(delays.count) * 0.99))])
    }

    static func remaining(_ client: PostgresClient) async throws -> Int {
        try await client.query("SELECT count(*)::int FROM queue_task WHERE state <> 'completed'", logger: logger)
            .collect().first!.decode(Int.self)
    }

    static func withWorker(_ client: PostgresClient, counter: Noop.Counter, _ body: @escaping @Sendable () async throws -> Void) async throws {
        var registry = TaskRegistry()
        registry.register(Noop(counter: counter))
        let worker = TaskWorker(
            client: client, registry: registry, configuration: WorkerConfiguration(pollInterval: .seconds(1)), logger: logger)
        let group = ServiceGroup(services: [worker], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func runPgqueuer(_ endpoint: DatabaseEndpoint) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "Benchmarks/pgqueuer_drain.py", "--dsn", endpoint.url, "--jobs", "\(taskCount)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let perSecond = object["per_second"] as? Double
        else { throw BenchmarkError("pgqueuer run failed (exit \(process.terminationStatus))") }
        return perSecond
    }
}

/// A task that does nothing, so the benchmark measures the queue alone.
struct Noop: TaskHandler {
    static let kind = "bench.noop"
    typealias Payload = EmptyPayload

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    let counter: Counter
    let options = TaskKindOptions(concurrency: 128)

    func run(_ payload: EmptyPayload, context: TaskContext) async throws {
        counter.value.add(1, ordering: .relaxed)
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
