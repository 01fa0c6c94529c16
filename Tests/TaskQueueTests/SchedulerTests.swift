import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
@testable import TaskQueue
import TaskQueue
import Testing
import TestSupport

@Suite struct SchedulerTests {
    @Test func threeSchedulersRunEachTickExactlyOnce() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.prepareRecording()
            let schedule = PeriodicSchedule(name: "every-200ms", cadence: .every(.milliseconds(200)), task: try recordTask())
            // Three processes checking at different moments of each tick, as real ones do.
            let schedulers = [15, 45, 95].map { milliseconds in
                TaskScheduler(client: db.client, schedules: [schedule], checkInterval: .milliseconds(milliseconds), logger: db.logger)
            }
            // Workers run each tick's task as soon as it is enqueued. A tick's unique key only
            // refuses a second task while the first is waiting or running, so a tick fired twice
            // shows up as a second run once the first has finished: count the runs, not the rows.
            let runsPerTick = """
                SELECT q.unique_key, count(r.task_id)::int FROM queue_task q LEFT JOIN test_runs r ON r.task_id = q.id
                WHERE q.kind = 'test.record' GROUP BY q.unique_key ORDER BY q.unique_key
                """
            try await db.withWorkers([db.worker(registry(.init())), db.worker(registry(.init()))]) { () async throws in
                // Run until 30 ticks have run, however slow the machine is.
                let ran = try await withRunningServices(schedulers, logger: db.logger) {
                    try await db.eventually(timeout: .seconds(60)) {
                        try await db.one("SELECT count(DISTINCT q.unique_key)::int FROM test_runs r JOIN queue_task q ON q.id = r.task_id", as: Int.self) >= 30
                    }
                }
                #expect(ran)
                // The ticks enqueued before the schedulers stopped run too.
                #expect(try await db.eventually {
                    try await db.one("SELECT count(*)::int FROM queue_task WHERE state <> 'completed'", as: Int.self) == 0
                })
            }
            let runs = try await db.client.query(PostgresQuery(unsafeSQL: runsPerTick), logger: db.logger).collect()
                .map { try $0.decode((String, Int).self) }
            #expect(runs.count >= 30)
            let notOnce = runs.filter { $0.1 != 1 }
            #expect(notOnce.isEmpty, "ticks that did not run exactly once: \(notOnce)")
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
