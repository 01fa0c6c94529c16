import Database
import Foundation
import PostgresNIO
@testable import TaskQueue
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real `blumpo worker` processes against the test database.
@Suite(.serialized) struct WorkerProcessTests {
    private func environment(_ db: TestDatabase) -> [String: String] {
        [
            "DATABASE_URL": db.endpoint.url, "BLUMPO_QUEUE_LEASE_SECONDS": "1", "BLUMPO_QUEUE_MAINTENANCE_MS": "200",
            "BLUMPO_QUEUE_POLL_MS": "100", "BLUMPO_LOG_LEVEL": "info",
        ]
    }

    @Test func aTaskOfAWorkerKilledMidwayRunsAgainElsewhereAndCompletesOnce() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let id = try #require(try await db.enqueue([try NewTask(kind: QueueProbe.kind, payload: QueueProbe.Payload(sleepMilliseconds: 2500))]).first)
            let doomed = try RunningBlumpo(["worker", "--no-scheduler"], environment: environment(db))
            let claimed = try await db.eventually { try await db.taskState(id).state == "running" }
            #expect(claimed, "\(doomed.output())")
            let firstWorker = try await db.one("SELECT worker_id FROM queue_task WHERE id = \(id)", as: String.self)
            doomed.signal(SIGKILL)
            _ = try await doomed.waitForExit()

            let survivor = try RunningBlumpo(["worker", "--no-scheduler"], environment: environment(db))
            let completed = try await db.eventually(timeout: .seconds(20)) { try await db.taskState(id).state == "completed" }
            #expect(completed, "\(survivor.output())")
            let (attempt, worker, lastError) = try await db.one(
                "SELECT attempt, worker_id, last_error FROM queue_task WHERE id = \(id)", as: (Int, String, String?).self)
            #expect(attempt == 2)
            #expect(worker != firstWorker)
            #expect(lastError?.contains("lease expired") == true)
            survivor.signal(SIGTERM)
            #expect(try await survivor.waitForExit() == 0, "\(survivor.output())")
        }
    }

    @Test func sigtermLetsTheRunningTaskFinishWithinTheGracePeriod() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let id = try #require(try await db.enqueue([try NewTask(kind: QueueProbe.kind, payload: QueueProbe.Payload(sleepMilliseconds: 800))]).first)
            let worker = try RunningBlumpo(["worker"], environment: environment(db))
            #expect(try await db.eventually { try await db.taskState(id).state == "running" })
            worker.signal(SIGTERM)
            #expect(try await worker.waitForExit() == 0, "\(worker.output())")
            #expect(try await db.taskState(id).state == "completed")
        }
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct QueueMetricsTests {
    @Test func serveExposesQueueMetricsOnMetrics() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            // Held until the test ends; `blumpo serve` binds it alongside the reservation.
            let reservation = try PortReservation()
            defer { reservation.release() }
            let port = reservation.port
            let server = try RunningBlumpo(
                ["serve"],
                environment: [
                    "DATABASE_URL": db.endpoint.url, "BLUMPO_PORT": "\(port)", "BLUMPO_QUEUE_MAINTENANCE_MS": "100",
                    "BLUMPO_QUEUE_POLL_MS": "100",
                ])
            let id = try #require(try await db.enqueue([try NewTask(kind: QueueProbe.kind, payload: QueueProbe.Payload(sleepMilliseconds: 5))]).first)
            #expect(try await db.eventually { try await db.taskState(id).state == "completed" }, "\(server.output())")
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
            var text = ""
            let scraped = try await db.eventually {
                text = (try? await URLSession.shared.data(from: url)).map { String(decoding: $0.0, as: UTF8.self) } ?? ""
                return text.contains(#"blumpo_queue_depth{kind="queue.probe",state="completed"} 1"#)
            }
            #expect(scraped, "\(text)")
            #expect(text.contains(#"blumpo_tasks_completed_total{kind="queue.probe"} 1"#))
            #expect(text.contains("blumpo_queue_claim_delay_seconds"))
            #expect(text.contains("blumpo_task_run_seconds"))
            server.signal(SIGTERM)
            #expect(try await server.waitForExit() == 0)
        }
    }
}
