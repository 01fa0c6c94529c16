import Foundation
import PostgresNIO
@testable import TaskQueue
import Testing
import TestSupport

@Suite struct EnqueueTests {
    @Test func tasksCommitOrVanishWithTheCallersTransaction() async throws {
        struct Abort: Error {}
        try await TestDatabase.with { (db: TestDatabase) async throws in
            await #expect(throws: (any Error).self) {
                try await db.client.withTransaction(logger: db.logger) { connection in
                    try await TaskStore().enqueue([try recordTask()], on: connection, logger: db.logger)
                    throw Abort()
                }
            }
            #expect(try await db.one("SELECT count(*)::int FROM queue_task", as: Int.self) == 0)
        }
    }

    @Test func manyTasksGoInOneCall() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let ids = try await db.enqueue((0..<500).map { _ in try recordTask() })
            #expect(ids.count == 500)
            #expect(Set(ids).count == 500)
        }
    }

    @Test func aUniqueKeyDeduplicatesOnlyWhileTheTaskIsLive() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let first = try await db.enqueue([try recordTask(uniqueKey: "brand:1:extract")])
            let duplicate = try await db.enqueue([try recordTask(uniqueKey: "brand:1:extract")])
            #expect(first.count == 1)
            #expect(duplicate.isEmpty)
            try await db.execute("UPDATE queue_task SET state = 'completed', finished_at = now()")
            let again = try await db.enqueue([try recordTask(uniqueKey: "brand:1:extract")])
            #expect(again.count == 1)
        }
    }

    @Test func cancellingAWaitingTaskTakesEffectAtOnce() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let id = try #require(try await db.enqueue([try recordTask()]).first)
            let state = try await db.client.withConnection { try await TaskStore().cancel(id: id, on: $0, logger: db.logger) }
            #expect(state == .cancelled)
            let missing = try await db.client.withConnection { try await TaskStore().cancel(id: 999_999, on: $0, logger: db.logger) }
            #expect(missing == nil)
        }
    }
}

@Suite struct ClaimTests {
    @Test func aStaleWorkerCannotFinishATaskTakenOverByAnother() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.enqueue([try recordTask()])
            let store = TaskStore()
            try await db.client.withConnection { connection in
                let stale = try #require(try await store.claim(kind: RecordingHandler.kind, limit: 1, lease: .milliseconds(10), workerID: "a", on: connection, logger: db.logger).first)
                var expired: [ClaimedTask] = []
                #expect(try await eventually {
                    expired = try await store.expiredLeases(limit: 10, on: connection, logger: db.logger)
                    return !expired.isEmpty
                })
                #expect(expired.map(\.id) == [stale.id])
                #expect(try await store.rescue(stale, on: connection, logger: db.logger))
                let fresh = try #require(try await store.claim(kind: RecordingHandler.kind, limit: 1, lease: .seconds(30), workerID: "b", on: connection, logger: db.logger).first)
                #expect(fresh.attempt == 2)
                #expect(try await store.complete([stale], workerID: "a", on: connection, logger: db.logger).isEmpty)
                #expect(try await store.finish(stale, as: .failed(error: "late"), workerID: "a", on: connection, logger: db.logger) == false)
                #expect(try await store.complete([fresh], workerID: "b", on: connection, logger: db.logger) == [fresh.id])
            }
            #expect(try await db.one("SELECT state FROM queue_task", as: String.self) == "completed")
        }
    }

    @Test func aSmallOwnerIsServedInTheFirstClaimRoundDespiteABigOne() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.enqueue((0..<1000).map { _ in try recordTask(owner: "big") })
            try await db.enqueue((0..<10).map { _ in try recordTask(owner: "small") })
            let claimed = try await db.client.withConnection { connection in
                try await TaskStore().claimCapped(
                    kind: RecordingHandler.kind, limit: 8, ownerCap: 4, lease: .seconds(30), workerID: "w", on: connection, logger: db.logger)
            }
            #expect(claimed.count == 8)
            #expect(claimed.filter { $0.owner == "small" }.count == 4)
            #expect(claimed.filter { $0.owner == "big" }.count == 4)
        }
    }

    @Test func theOwnerCapHoldsAcrossClaimRounds() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            try await db.enqueue((0..<20).map { _ in try recordTask(owner: "only") })
            let store = TaskStore()
            let rounds = try await db.client.withConnection { connection in
                var counts: [Int] = []
                for _ in 0..<3 {
                    counts.append(try await store.claimCapped(
                        kind: RecordingHandler.kind, limit: 10, ownerCap: 3, lease: .seconds(30), workerID: "w", on: connection, logger: db.logger).count)
                }
                return counts
            }
            #expect(rounds == [3, 0, 0])
        }
    }

    @Test func backoffDoublesIsCappedAndJittered() {
        let options = TaskKindOptions(baseBackoff: .seconds(2), maxBackoff: .seconds(10))
        #expect(options.backoff(afterAttempt: 1, jitter: 1) == .seconds(2))
        #expect(options.backoff(afterAttempt: 2, jitter: 1) == .seconds(4))
        #expect(options.backoff(afterAttempt: 3, jitter: 0.5) == .seconds(4))
        #expect(options.backoff(afterAttempt: 9, jitter: 1) == .seconds(10))
        for _ in 0..<100 {
            let delay = options.backoff(afterAttempt: 2)
            #expect(delay >= .seconds(2) && delay <= .seconds(4))
        }
    }
}
