import Core
import Database
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import TaskQueue

/// `make bench`: drains no-op tasks with Blumpo's workers and with pgqueuer on the same
/// PostgreSQL (each side twice, alternating, after a warm-up; pgqueuer gets a batch size of at
/// least 100 and as many connections as our worker opened) and prints both with their ratio,
/// then measures enqueue→start delay at a light steady load. Then measures token reservations
/// through the ledger against pgbench's TPC-B-like script on the same server, and the brand
/// extractors' time per page against a bare HTML parse, and times the analytics and KPI queries
/// on a million events.
@main
struct QueueBenchmark {
    static let taskCount = BenchSize.integer("BENCH_TASKS", default: 50_000, in: 100...1_000_000)
    /// Measured runs per side (alternating), after one warm-up each.
    static let repeats = BenchSize.integer("BENCH_REPEATS", default: 2, in: 1...9)
    static let warmupTasks = min(taskCount, 2_000)
    /// pgqueuer's `QueueManager.run(batch_size:)`; its default is 10.
    static let pgqueuerBatch = BenchSize.integer("BENCH_PGQUEUER_BATCH", default: 100, in: 100...10_000)
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
        try await withClient(ours, logger: logger) { try await Migrator().migrate($0, logger: logger) }

        // Warm-up: both sides once on a small queue. In every round pgqueuer's pool gets as many
        // connections as our worker's pool opened just before.
        let warm = try await drain(ours, tasks: warmupTasks)
        _ = try runPgqueuer(try await freshDatabase("bench_pgqueuer", on: server), jobs: warmupTasks, connections: max(1, warm.connections))
        var blumpoRuns: [Drain] = []
        var pgqueuerRuns: [Double] = []
        var pgqueuerConnections: [Int] = []
        for _ in 0..<repeats {
            let run = try await drain(ours, tasks: taskCount)
            blumpoRuns.append(run)
            let theirs = try runPgqueuer(
                try await freshDatabase("bench_pgqueuer", on: server), jobs: taskCount, connections: max(1, run.connections))
            pgqueuerRuns.append(theirs.perSecond)
            pgqueuerConnections.append(theirs.connections)
        }
        let latency = try await withClient(ours, logger: logger) { try await lightLoadDelays($0) }
        let throughput = median(blumpoRuns.map(\.perSecond))
        let pgqueuer = median(pgqueuerRuns)
        let busy = blumpoRuns.map(\.busy).max() ?? 0

        print("")
        print("queue benchmark (\(taskCount) no-op tasks per run, one worker process each, same PostgreSQL;")
        print("  each side \(repeats)× alternating after a \(warmupTasks)-task warm-up, median shown)")
        print(String(format: "  blumpo    drain: %8.0f tasks/s  runs %@", throughput, runs(blumpoRuns.map(\.perSecond))))
        print("            given: TaskWorker defaults (claim batch \(WorkerConfiguration().claimBatch), kind concurrency \(Noop.concurrency)), "
            + "PostgresNIO pool (max 20) that opened \(blumpoRuns.map { "\($0.connections)" }.joined(separator: " / ")) connections, "
            + "at most \(busy) busy at once (pg_stat_activity, sampled every 20 ms)")
        print(String(format: "  pgqueuer  drain: %8.0f jobs/s   runs %@", pgqueuer, runs(pgqueuerRuns)))
        print("            given: QueueManager.run drain mode, batch_size \(pgqueuerBatch) (its default is 10), asyncpg with "
            + "\(pgqueuerConnections.map(String.init).joined(separator: " / ")) connections: as many as our worker opened in the same round "
            + "(a pool, AsyncpgPoolDriver, needs 3 at least; 1 is a plain connection)")
        print(String(format: "  ratio blumpo/pgqueuer: %.2f  (target ≥ 2.0)", throughput / pgqueuer))
        print(String(format: "  enqueue→start at light load: p50 %.1f ms, p99 %.1f ms  (target p99 < 50 ms)", latency.p50, latency.p99))

        try await LedgerBenchmark.run(on: server)
        try await AnalyticsBenchmark.run(on: server)
        try await ExtractionBenchmark.run()
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func runs(_ values: [Double]) -> String {
        values.map { String(format: "%.0f", $0) }.joined(separator: " / ")
    }

    /// Drops and recreates a database so every run starts empty.
    static func freshDatabase(_ name: String, on server: DatabaseEndpoint) async throws -> DatabaseEndpoint {
        try await withClient(server.with(database: "postgres"), logger: logger) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
            _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        return server.with(database: name)
    }

    /// One drain: its rate, and the connections the worker's pool opened (and had busy at once).
    struct Drain {
        let perSecond: Double
        let connections: Int
        let busy: Int
    }

    /// Enqueues every task, then times a worker (with a pool of its own, as `blumpo worker` has)
    /// from start until the last one is completed. The harness enqueues and watches through one
    /// connection of its own, which is not counted.
    static func drain(_ endpoint: DatabaseEndpoint, tasks: Int) async throws -> Drain {
        var harnessConfiguration = endpoint.clientConfiguration
        harnessConfiguration.options.maximumConnections = 1
        return try await withClient(configuration: harnessConfiguration) { harness in
            try await harness.query("TRUNCATE queue_task", logger: logger)
            let store = TaskStore()
            let batch = try (0..<5_000).map { _ in try NewTask(kind: Noop.kind, payload: EmptyPayload()) }
            for start in stride(from: 0, to: tasks, by: batch.count) {
                let slice = Array(batch.prefix(min(batch.count, tasks - start)))
                try await harness.withConnection { try await store.enqueue(slice, on: $0, logger: logger) }
            }
            let opened = Noop.Counter()
            let busy = Noop.Counter()
            let started = ContinuousClock.now
            try await withClient(configuration: endpoint.clientConfiguration) { workerClient in
              try await withWorker(workerClient, counter: Noop.Counter()) {
                while true {
                    let row = try await harness.query(
                        """
                        SELECT (SELECT count(*) FROM queue_task WHERE state <> 'completed')::int,
                               count(*)::int, (count(*) FILTER (WHERE state <> 'idle'))::int
                        FROM pg_stat_activity
                        WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                        """, logger: logger
                    ).collect().first!
                    let (left, connections, active) = try row.decode((Int, Int, Int).self)
                    // Only this loop writes them.
                    opened.value.store(max(opened.value.load(ordering: .relaxed), connections), ordering: .relaxed)
                    busy.value.store(max(busy.value.load(ordering: .relaxed), active), ordering: .relaxed)
                    if left == 0 { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
              }
            }
            return Drain(perSecond: Double(tasks) / (ContinuousClock.now - started).inSeconds, connections: opened.value.load(ordering: .relaxed), busy: busy.value.load(ordering: .relaxed))
        }
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

    /// One pgqueuer drain of `jobs` no-op jobs in a process of its own; its jobs per second.
    static func runPgqueuer(_ endpoint: DatabaseEndpoint, jobs: Int, connections: Int) throws -> (perSecond: Double, connections: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "Benchmarks/pgqueuer_drain.py", "--dsn", endpoint.url, "--jobs", "\(jobs)", "--batch-size", "\(pgqueuerBatch)",
            "--connections", "\(connections)",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let perSecond = object["per_second"] as? Double, object["jobs"] as? Int == jobs, let used = object["connections"] as? Int
        else { throw BenchmarkError("pgqueuer run failed (exit \(process.terminationStatus))") }
        return (perSecond, used)
    }
}

/// Sizes from the environment, refused outside their bounds (so CI runs stay short).
enum BenchSize {
    static func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) -> Int {
        guard let text = ProcessInfo.processInfo.environment[name], !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            print("\(name)=\(text) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            exit(2)
        }
        return number
    }
}

/// Runs `body` with a pool of the given configuration that lives exactly as long as the call.
func withClient<T: Sendable>(
    configuration: PostgresClient.Configuration, isolation: isolated (any Actor)? = #isolation, _ body: (PostgresClient) async throws -> T
) async throws -> T {
    let client = PostgresClient(configuration: configuration, backgroundLogger: QueueBenchmark.logger)
    return try await withThrowingTaskGroup(of: Void.self, returning: T.self, isolation: isolation) { group in
        group.addTask { await client.run() }
        try await Task.sleep(for: .milliseconds(5))
        defer { group.cancelAll() }
        return try await body(client)
    }
}

/// A task that does nothing, so the benchmark measures the queue alone.
struct Noop: TaskHandler {
    static let kind = "bench.noop"
    typealias Payload = EmptyPayload

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    static let concurrency = 128
    let counter: Counter
    let options = TaskKindOptions(concurrency: Noop.concurrency)

    func run(_ payload: EmptyPayload, context: TaskContext) async throws {
        counter.value.add(1, ordering: .relaxed)
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
