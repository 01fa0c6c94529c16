import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
@testable import TaskQueue
import TestSupport

/// A handler whose every run is recorded in `test_runs`, and whose final failure in `test_failures`.
struct RecordingHandler: TaskHandler {
    static let kind = "test.record"

    struct Payload: Codable, Sendable {
        var sleepMilliseconds = 0
        /// Fail this many attempts before succeeding.
        var failTimes = 0
        var permanent = false
    }

    let options: TaskKindOptions
    /// Counts this handler's runs in flight, when a test watches concurrency.
    var gauge: ConcurrencyGauge? = nil

    func run(_ payload: Payload, context: TaskContext) async throws {
        gauge?.enter(context.owner ?? "")
        defer { gauge?.leave(context.owner ?? "") }
        try await context.client.query(
            "INSERT INTO test_runs (task_id, attempt, owner) VALUES (\(context.taskID), \(context.attempt), \(context.owner))",
            logger: context.logger)
        if payload.sleepMilliseconds > 0 { try await Task.sleep(for: .milliseconds(payload.sleepMilliseconds)) }
        if payload.permanent { throw PermanentTaskError("cannot ever work") }
        if context.attempt <= payload.failTimes { throw TestFailure(attempt: context.attempt) }
    }

    func finalFailure(_ payload: Payload, error: String, taskID: Int64, connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("INSERT INTO test_failures (error) VALUES (\(error))", logger: logger)
    }

    struct TestFailure: Error { let attempt: Int }
}

/// Runs in flight per owner, and the most there ever were at once: sampled by every run itself
/// as it starts and ends, so no overlap goes unseen between two looks.
final class ConcurrencyGauge: Sendable {
    private struct Counts {
        var current: [String: Int] = [:]
        var peak: [String: Int] = [:]
        var total = 0
        var peakTotal = 0
    }

    private let counts = Mutex(Counts())

    func enter(_ owner: String) {
        counts.withLock { counts in
            let now = counts.current[owner, default: 0] + 1
            counts.current[owner] = now
            counts.peak[owner] = max(counts.peak[owner, default: 0], now)
            counts.total += 1
            counts.peakTotal = max(counts.peakTotal, counts.total)
        }
    }

    func leave(_ owner: String) {
        counts.withLock { counts in
            counts.current[owner, default: 0] -= 1
            counts.total -= 1
        }
    }

    /// The most runs of `owner`'s tasks in flight at once.
    func peak(_ owner: String) -> Int { counts.withLock { $0.peak[owner, default: 0] } }
    /// The most runs in flight at once, all owners together.
    var peakTotal: Int { counts.withLock { $0.peakTotal } }
}

extension TestDatabase {
    /// Creates the tables the recording handler writes to.
    func prepareRecording() async throws {
        try await execute("CREATE TABLE test_runs (task_id bigint, attempt int, owner text, at timestamptz DEFAULT clock_timestamp())")
        try await execute("CREATE TABLE test_failures (error text)")
    }

    @discardableResult
    func enqueue(_ tasks: [NewTask]) async throws -> [Int64] {
        try await client.withConnection { try await TaskStore().enqueue(tasks, on: $0, logger: logger) }
    }

    func taskState(_ id: Int64) async throws -> (state: String, attempt: Int) {
        try await one("SELECT state, attempt FROM queue_task WHERE id = \(id)", as: (String, Int).self)
    }

    /// Runs workers for the duration of `body`, then shuts them down gracefully.
    func withWorkers<T: Sendable>(_ workers: [TaskWorker], _ body: @Sendable () async throws -> T) async throws -> T {
        try await withRunningServices(workers, logger: logger, body)
    }

    func worker(
        _ handlers: TaskRegistry, id: String = UUID().uuidString, poll: Duration = .milliseconds(50),
        grace: Duration = .seconds(5), maintenance: Duration = .milliseconds(100)
    ) -> TaskWorker {
        TaskWorker(
            client: client, registry: handlers,
            configuration: WorkerConfiguration(workerID: id, pollInterval: poll, gracePeriod: grace, maintenanceInterval: maintenance),
            logger: logger)
    }
}

func registry(_ options: TaskKindOptions, gauge: ConcurrencyGauge? = nil) -> TaskRegistry {
    var registry = TaskRegistry()
    registry.register(RecordingHandler(options: options, gauge: gauge))
    return registry
}

func recordTask(_ payload: RecordingHandler.Payload = .init(), owner: String? = nil, uniqueKey: String? = nil, maxAttempts: Int? = nil) throws -> NewTask {
    try NewTask(kind: RecordingHandler.kind, payload: payload, maxAttempts: maxAttempts, uniqueKey: uniqueKey, owner: owner)
}
