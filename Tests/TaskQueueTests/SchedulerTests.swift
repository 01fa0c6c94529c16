import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
@testable import TaskQueue
import TaskQueue
import Testing
import TestSupport

@Suite struct SchedulerTests {
    @Test func threeSchedulersFireEachTickExactlyOnceAndEachTaskRunsOnce() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.prepareRecording()
            let schedule = PeriodicSchedule(name: "every-200ms", cadence: .every(.milliseconds(200)), task: try recordTask())
            let schedulers = (0..<3).map { _ in
                TaskScheduler(client: db.client, schedules: [schedule], checkInterval: .milliseconds(15), logger: db.logger)
            }
            // Run until 30 ticks have fired, however slow the machine is.
            let fired = try await withRunningServices(schedulers, logger: db.logger) {
                try await db.eventually(timeout: .seconds(60)) {
                    try await db.one("SELECT count(DISTINCT unique_key)::int FROM queue_task", as: Int.self) >= 30
                }
            }
            #expect(fired)
            let (rows, ticks) = try await db.one(
                "SELECT count(*)::int, count(DISTINCT unique_key)::int FROM queue_task WHERE kind = \(RecordingHandler.kind)",
                as: (Int, Int).self)
            #expect(rows == ticks)
            #expect(ticks >= 30)

            try await db.withWorkers([db.worker(registry(.init())), db.worker(registry(.init()))]) { () async throws in
                #expect(try await db.eventually { try await db.one("SELECT count(*)::int FROM queue_task WHERE state = 'completed'", as: Int.self) == rows })
            }
            let runs = try await db.one("SELECT count(*)::int, count(DISTINCT task_id)::int FROM test_runs", as: (Int, Int).self)
            #expect(runs.0 == rows && runs.1 == rows)
        }
    }

    @Test func ticksMissedDuringDowntimeFireOnceNotOncePerTick() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let schedule = PeriodicSchedule(name: "minutely", cadence: .every(.seconds(60)), task: try recordTask())
            let anHourAgo = Date().addingTimeInterval(-3600)
            try await db.execute("INSERT INTO queue_schedule (name, last_tick_at) VALUES ('minutely', \(anHourAgo))")
            let scheduler = TaskScheduler(client: db.client, schedules: [schedule], logger: db.logger)
            let tick = try #require(schedule.latestTick(atOrBefore: Date()))
            #expect(try await scheduler.fire(schedule, tick: tick))
            #expect(try await scheduler.fire(schedule, tick: tick) == false)
            #expect(try await db.one("SELECT count(*)::int FROM queue_task", as: Int.self) == 1)
        }
    }
}

@Suite struct CronExpressionTests {
    private func date(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    @Test func findsThePreviousMatchingMinute() throws {
        let everyQuarter = try CronExpression("*/15 * * * *")
        #expect(everyQuarter.previousFire(atOrBefore: try date("2026-11-26T10:44:59Z")) == (try date("2026-11-26T10:30:00Z")))
        let weekdaysAtThree = try CronExpression("0 3 * * 1-5")
        // 2026-11-29 is a Sunday: the previous weekday 03:00 is Friday the 27th.
        #expect(weekdaysAtThree.previousFire(atOrBefore: try date("2026-11-29T12:00:00Z")) == (try date("2026-11-27T03:00:00Z")))
        let monthly = try CronExpression("30 0 1 * *")
        #expect(monthly.previousFire(atOrBefore: try date("2026-03-15T00:00:00Z")) == (try date("2026-03-01T00:30:00Z")))
    }

    @Test(arguments: ["* * * *", "61 * * * *", "*/0 * * * *", "a b c d e"])
    func rejectsMalformedExpressions(_ text: String) {
        #expect(throws: CronError.self) { try CronExpression(text) }
    }
}
