import Core
import Database
import Metrics
import PostgresNIO

/// The loops that run beside the claim loop for the worker's whole life.
extension TaskWorker {
    /// Writes completions in batches until cancelled; see `CompletionBuffer`.
    func writeCompletions() async {
        while !Task.isCancelled {
            await completions.doorbell.wait(timeout: .milliseconds(100))
            await flushCompletions()
        }
    }

    func flushCompletions() async {
        let batch = completions.takeAll()
        guard !batch.isEmpty else { return }
        do {
            let written = try await client.withConnection { connection in
                try await store.complete(batch, workerID: configuration.workerID, on: connection, logger: logger)
            }
            for (kind, tasks) in Dictionary(grouping: batch, by: \.kind) {
                Counter(label: "blumpo_tasks_completed_total", dimensions: [("kind", kind)])
                    .increment(by: tasks.count { written.contains($0.id) })
            }
            for task in batch where !written.contains(task.id) {
                logger.warning("task outcome refused: this worker no longer holds the task", metadata: ["task.id": "\(task.id)"])
            }
        } catch {
            completions.putBack(batch)
            logger.warning("recording completions failed; will retry", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// LISTEN wakes the claim loop the moment a task is enqueued anywhere.
    func listenForNewTasks() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: TaskStore.notificationChannel) { notifications in
                        for try await _ in notifications { doorbell.ring() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("task notifications interrupted; polling until they resume", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Renews the leases of running tasks and interrupts those that were lost or cancelled.
    func keepLeasesAlive() async {
        let shortestLease = registry.kinds.compactMap { registry.entry($0)?.options.lease }.min() ?? .seconds(30)
        while !Task.isCancelled {
            try? await Task.sleep(for: shortestLease / 3)
            let byKind = Dictionary(grouping: state.runningTasks, by: \.kind)
            for (kind, tasks) in byKind {
                guard let lease = registry.entry(kind)?.options.lease else { continue }
                do {
                    let (renewed, cancelRequested) = try await client.withConnection { connection in
                        try await store.heartbeat(tasks, lease: lease, workerID: configuration.workerID, on: connection, logger: logger)
                    }
                    for task in tasks where !renewed.contains(task.id) { state.interrupt(task.id, because: .leaseLost) }
                    for id in cancelRequested { state.interrupt(id, because: .cancelRequested) }
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("lease renewal failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Rescues tasks of dead workers and refreshes the depth gauges.
    func maintain() async {
        while !Task.isCancelled {
            do {
                try await rescueExpiredLeases()
                try await client.withConnection { connection in
                    for (kind, state, count) in try await store.depth(on: connection, logger: logger) {
                        Gauge(label: "blumpo_queue_depth", dimensions: [("kind", kind), ("state", state)]).record(count)
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("queue maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: configuration.maintenanceInterval)
        }
    }

    func rescueExpiredLeases() async throws {
        let expired = try await client.withConnection { connection in
            try await store.expiredLeases(limit: 100, on: connection, logger: logger)
        }
        for task in expired {
            var logger = self.logger
            logger[metadataKey: "task.id"] = "\(task.id)"
            logger[metadataKey: "task.kind"] = "\(task.kind)"
            if task.isLastAttempt(registry.entry(task.kind)?.options) {
                try await client.transaction(logger: logger) { connection in
                    guard try await store.failExpired(task, on: connection, logger: logger) else { return }
                    try await registry.entry(task.kind)?.finalFailure(task, "lease expired on the last attempt", connection, logger)
                    logger.error("task failed for good: its worker died on the last attempt")
                }
            } else if try await client.withConnection({ try await store.rescue(task, on: $0, logger: logger) }) {
                logger.warning("task rescued: its worker stopped answering")
                doorbell.ring()
            }
        }
    }
}
