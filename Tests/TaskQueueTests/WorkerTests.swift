import Foundation
import PostgresNIO
@testable import TaskQueue
import Testing
import TestSupport

@Suite struct WorkerTests {
    @Test func aNotificationWakesAnIdleWorkerLongBeforeItsNextPoll() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.prepareRecording()
            let worker = db.worker(registry(.init()), poll: .seconds(60))
            try await db.withWorkers([worker]) { () async throws in
                // The worker is idle and listening: it has claimed and finished a first task,
                // and its LISTEN is in place.
                let first = try #require(try await db.enqueue([try recordTask()]).first)
                #expect(try await db.eventually { try await db.taskState(first).state == "completed" })
                #expect(try await db.eventually {
                    try await db.one(
                        "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
                        as: Int.self) == 1
                })
                let id = try #require(try await db.enqueue([try recordTask()]).first)
                let done = try await db.eventually(timeout: .seconds(5)) { try await db.taskState(id).state == "completed" }
                #expect(done)
            }
        }
    }

    @Test func transientFailuresAreRetriedWithGrowingDelays() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.prepareRecording()
            let options = TaskKindOptions(maxAttempts: 5, baseBackoff: .milliseconds(300))
            try await db.withWorkers([db.worker(registry(options))]) { () async throws in
                let id = try #require(try await db.enqueue([try recordTask(.init(failTimes: 2))]).first)
                #expect(try await db.eventually { try await db.taskState(id).state == "completed" })
                #expect(try await db.taskState(id).attempt == 3)
            }
            let gaps = try await db.client.query(
                "SELECT extract(epoch FROM at - lag(at) OVER (ORDER BY attempt))::float8 FROM test_runs ORDER BY attempt", logger: db.logger
            ).collect().dropFirst().map { try $0.decode(Double.self) }
            #expect(gaps.count == 2)
            // At least half of 300 ms, then of 600 ms (jitter); the upper bound only guards against
            // retries that never wait for their backoff to pass, and leaves room for a loaded machine.
            #expect(gaps[0] >= 0.15 && gaps[0] < 3)
            #expect(gaps[1] >= 0.3 && gaps[1] < 3)
        }
    }

    @Test func theLastAttemptFailsTheTaskAndCallsTheHookOnce() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.prepareRecording()
            let options = TaskKindOptions(maxAttempts: 3, baseBackoff: .milliseconds(10))
            try await db.withWorkers([db.worker(registry(options))]) { () async throws in
                let id = try #require(try await db.enqueue([try recordTask(.init(failTimes: 99), maxAttempts: 3)]).first)
                #expect(try await db.eventually { try await db.taskState(id).state == "failed" })
                #expect(try await db.taskState(id).attempt == 3)
            }
            #expect(try await db.one("SELECT count(*)::int FROM test_runs", as: Int.self) == 3)
            #expect(try await db.one("SELECT count(*)::int FROM test_failures", as: Int.self) == 1)
        }
    }

    @Test func theKindsAttemptLimitAppliesWhenTheTaskSetsNone() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.prepareRecording()
            try await db.withWorkers([db.worker(registry(.init(maxAttempts: 2, baseBackoff: .milliseconds(10))))]) { () async throws in
                let id = try #require(try await db.enqueue([try recordTask(.init(failTimes: 99))]).first)
                #expect(try await db.eventually { try await db.taskState(id).state == "failed" })
                #expect(try await db.taskState(id).attempt == 2)
            }
        }
    }

    @Test func aPermanentFailureIsNotRetried() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.prepareRecording()
            try await db.withWorkers([db.worker(registry(.init(baseBackoff: .milliseconds(10))))]) { () async throws in
                let id = try #require(try await db.enqueue([try recordTask(.init(permanent: true))]).first)
                #expect(try await db.eventually { try await db.taskState(id).state == "failed" })
                #expect(try await db.taskState(id).attempt == 1)
            }
            let error = try await db.one("SELECT error FROM test_failures", as: String.self)
            #expect(error == "cannot ever work")
            #expect(try await db.one("SELECT last_error FROM queue_task", as: String.self) == "cannot ever work")
        }
    }

    @Test func aRunningTaskIsCancelledCooperatively() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.prepareRecording()
            // A lease long enough that a loaded machine's heartbeat never misses it (a rescue would
            // make the task available again, not running), short enough for quick heartbeats.
            try await db.withWorkers([db.worker(registry(.init(lease: .seconds(3))))]) { () async throws in
                let id = try #require(try await db.enqueue([try recordTask(.init(sleepMilliseconds: 30_000))]).first)
                #expect(try await db.eventually { try await db.taskState(id).state == "running" })
                let state = try await db.client.withConnection { try await TaskStore().cancel(id: id, on: $0, logger: db.logger) }
                #expect(state == .running)
                #expect(try await db.eventually(timeout: .seconds(10)) { try await db.taskState(id).state == "cancelled" })
            }
        }
    }

    @Test func shutdownLetsShortTasksFinishAndHandsLongOnesToAnotherWorker() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.prepareRecording()
            let handlers = registry(.init())
            let (short, long) = try await db.withWorkers([db.worker(handlers, id: "first", grace: .milliseconds(800))]) { () async throws -> (Int64, Int64) in
                let short = try #require(try await db.enqueue([try recordTask(.init(sleepMilliseconds: 300))]).first)
                let long = try #require(try await db.enqueue([try recordTask(.init(sleepMilliseconds: 60_000))]).first)
                #expect(try await db.eventually { try await db.one("SELECT count(*)::int FROM test_runs", as: Int.self) == 2 })
                return (short, long)
            }
            let shortState = try await db.taskState(short)
            #expect(shortState.state == "completed" && shortState.attempt == 1)
            // Handed back: available again, the interrupted attempt not counted.
            let longState = try await db.taskState(long)
            #expect(longState.state == "available" && longState.attempt == 0)

            try await db.execute("UPDATE queue_task SET payload = jsonb_set(payload, '{sleepMilliseconds}', '10') WHERE id = \(long)")
            try await db.withWorkers([db.worker(handlers, id: "second")]) { () async throws in
                #expect(try await db.eventually { try await db.taskState(long).state == "completed" })
            }
            #expect(try await db.one("SELECT worker_id FROM queue_task WHERE id = \(long)", as: String.self) == "second")
        }
    }

    @Test func aSmallOwnersTasksFinishWhileABigOwnersQueueIsStillFull() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.prepareRecording()
            let options = TaskKindOptions(concurrency: 4, ownerCap: 2)
            let gauge = ConcurrencyGauge()
            try await db.enqueue((0..<1000).map { _ in try recordTask(.init(sleepMilliseconds: 20), owner: "big") })
            try await db.enqueue((0..<10).map { _ in try recordTask(.init(sleepMilliseconds: 20), owner: "small") })
            try await db.withWorkers([db.worker(registry(options, gauge: gauge))]) { () async throws in
                #expect(try await db.eventually {
                    try await db.one("SELECT count(*)::int FROM queue_task WHERE owner = 'small' AND state = 'completed'", as: Int.self) == 10
                })
                let bigDone = try await db.one("SELECT count(*)::int FROM queue_task WHERE owner = 'big' AND state = 'completed'", as: Int.self)
                #expect(bigDone < 100)
            }
            // Every run counted itself in and out: the big owner used its cap and never more.
            #expect(gauge.peak("big") == 2)
            #expect(gauge.peakTotal <= 4)
        }
    }
}
