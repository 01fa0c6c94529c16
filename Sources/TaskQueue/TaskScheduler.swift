import Core
public import Foundation
import Database
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// A task enqueued on a cadence: every fixed interval (ticks aligned to the Unix epoch) or on a
/// cron expression.
public struct PeriodicSchedule: Sendable {
    public enum Cadence: Sendable {
        case every(Duration)
        case cron(CronExpression)
    }

    public let name: String
    public let cadence: Cadence
    public let task: NewTask

    public init(name: String, cadence: Cadence, task: NewTask) {
        self.name = name
        self.cadence = cadence
        self.task = task
    }

    /// The most recent tick at or before `now`.
    public func latestTick(atOrBefore now: Date) -> Date? {
        switch cadence {
        case .every(let interval):
            let milliseconds = max(1, Int64(interval.inSeconds * 1000))
            let nowMilliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
            return Date(timeIntervalSince1970: Double(nowMilliseconds / milliseconds * milliseconds) / 1000)
        case .cron(let expression):
            return expression.previousFire(atOrBefore: now)
        }
    }
}

/// Fires periodic schedules exactly once per tick across any number of processes, with no
/// leader: each process tries to advance the schedule's `last_tick_at` to the current tick, and
/// only the one whose update succeeds enqueues the tick's task, in the same transaction.
/// After downtime only the latest tick fires, not every missed one.
public struct TaskScheduler: Service {
    let client: PostgresClient
    let schedules: [PeriodicSchedule]
    let checkInterval: Duration
    let logger: Logger
    private let store = TaskStore()

    public init(client: PostgresClient, schedules: [PeriodicSchedule], checkInterval: Duration = .seconds(1), logger: Logger) {
        self.client = client
        self.schedules = schedules
        self.checkInterval = checkInterval
        self.logger = logger
    }

    public func run() async throws {
        var settled: [String: Date] = [:]
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Date()
            for schedule in schedules {
                guard let tick = schedule.latestTick(atOrBefore: now), settled[schedule.name].map({ tick > $0 }) ?? true else { continue }
                do {
                    if try await fire(schedule, tick: tick) {
                        logger.debug("schedule fired", metadata: ["schedule": "\(schedule.name)", "tick": "\(tick)"])
                    }
                    settled[schedule.name] = tick
                } catch {
                    logger.warning("schedule check failed", metadata: ["schedule": "\(schedule.name)", "error": "\(error)"])
                }
            }
            try? await Task.sleep(for: checkInterval)
        }
    }

    /// Claims `tick` for the schedule and enqueues its task; false when another process already did.
    func fire(_ schedule: PeriodicSchedule, tick: Date) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            let claimed = try await connection.query(
                """
                INSERT INTO queue_schedule (name, last_tick_at) VALUES (\(schedule.name), \(tick))
                ON CONFLICT (name) DO UPDATE SET last_tick_at = EXCLUDED.last_tick_at, updated_at = now()
                WHERE queue_schedule.last_tick_at < EXCLUDED.last_tick_at
                RETURNING name
                """, logger: logger
            ).collect().isEmpty == false
            guard claimed else { return false }
            var task = schedule.task
            task.uniqueKey = "schedule:\(schedule.name):\(Int64(tick.timeIntervalSince1970 * 1000))"
            try await store.enqueue([task], on: connection, logger: logger)
            return true
        }
    }
}
