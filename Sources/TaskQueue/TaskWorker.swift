import Core
import Foundation
import Database
public import Logging
import Metrics
public import PostgresNIO
public import ServiceLifecycle

/// Claims due tasks, runs them with their handlers, keeps their leases alive, retries or fails
/// them, and rescues the tasks of workers that died. Any number of workers may share a database.
public struct TaskWorker: Service {
    let client: PostgresClient
    let registry: TaskRegistry
    let configuration: WorkerConfiguration
    let logger: Logger
    let store = TaskStore()
    let state = WorkerState()
    let doorbell = Doorbell()
    let completions = CompletionBuffer()

    public init(client: PostgresClient, registry: TaskRegistry, configuration: WorkerConfiguration = .init(), logger: Logger) {
        self.client = client
        self.registry = registry
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker.id"] = "\(configuration.workerID)"
        self.logger = logger
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await listenForNewTasks() }
                group.addTask { await keepLeasesAlive() }
                group.addTask { await maintain() }
                group.addTask { await writeCompletions() }
                await claimLoop(group: &group)
                await drain()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            state.beginShutdown()
            doorbell.ring()
        }
    }

    // MARK: Claiming

    private func claimLoop(group: inout DiscardingTaskGroup) async {
        while !state.isShuttingDown && !Task.isCancelled {
            var claimedAny = false
            for kind in registry.kinds {
                guard let entry = registry.entry(kind) else { continue }
                let free = entry.options.concurrency - state.runningCount(kind: kind)
                guard free > 0 else { continue }
                let claimed: [ClaimedTask]
                do {
                    claimed = try await claim(kind: kind, options: entry.options, limit: min(free, configuration.claimBatch))
                } catch {
                    logger.error("claiming tasks failed", metadata: ["task.kind": "\(kind)", "error": "\(String(reflecting: error))"])
                    continue
                }
                for task in claimed {
                    state.add(task)
                    group.addTask { await execute(task, entry: entry) }
                }
                claimedAny = claimedAny || !claimed.isEmpty
            }
            if !claimedAny { await doorbell.wait(timeout: configuration.pollInterval) }
        }
    }

    private func claim(kind: String, options: TaskKindOptions, limit: Int) async throws -> [ClaimedTask] {
        try await client.withConnection { connection in
            if let cap = options.ownerCap {
                return try await store.claimCapped(
                    kind: kind, limit: limit, ownerCap: cap, lease: options.lease, workerID: configuration.workerID,
                    on: connection, logger: logger)
            }
            return try await store.claim(
                kind: kind, limit: limit, lease: options.lease, workerID: configuration.workerID, on: connection, logger: logger)
        }
    }

    // MARK: Running

    private func execute(_ task: ClaimedTask, entry: TaskRegistry.Entry) async {
        var logger = self.logger
        logger[metadataKey: "task.id"] = "\(task.id)"
        logger[metadataKey: "task.kind"] = "\(task.kind)"
        let dimensions = [("kind", task.kind)]
        Timer(label: "blumpo_queue_claim_delay_seconds", dimensions: dimensions)
            .recordSeconds(max(0, Date().timeIntervalSince(task.runAt)))
        let context = TaskContext(
            taskID: task.id, kind: task.kind, attempt: task.attempt, owner: task.owner, logger: logger, client: client)
        let started = ContinuousClock.now
        let handle = Task { try await entry.run(task.payload, context) }
        state.attach(handle, to: task.id)
        let result = await handle.result
        Timer(label: "blumpo_task_run_seconds", dimensions: dimensions).recordSeconds((ContinuousClock.now - started).inSeconds)
        let interruption = state.remove(task.id)
        defer {
            state.executionEnded()
            doorbell.ring()
        }

        do {
            switch (result, interruption) {
            case (.success, _):
                completions.append(task)
            case (.failure, .cancelRequested?):
                try await finish(task, as: .cancelled, logger: logger)
                logger.info("task cancelled")
            case (.failure, .leaseLost?):
                logger.warning("task interrupted: its lease was taken over by another worker")
            case (.failure, .shutdown?):
                try await finish(task, as: .released, logger: logger)
                logger.info("task handed back at shutdown")
            case (.failure(let error as PermanentTaskError), nil):
                try await failForGood(task, error: error.reason, entry: entry, logger: logger)
            case (.failure(let error), nil):
                let message = String(describing: error)
                if task.isLastAttempt(entry.options) {
                    try await failForGood(task, error: message, entry: entry, logger: logger)
                } else {
                    let delay = entry.options.backoff(afterAttempt: task.attempt)
                    try await finish(task, as: .retry(after: delay, error: message), logger: logger)
                    Counter(label: "blumpo_task_retries_total", dimensions: dimensions).increment()
                    logger.warning("task failed; retrying", metadata: ["error": "\(message)", "retry.in": "\(delay)", "attempt": "\(task.attempt)"])
                }
            }
        } catch {
            // The lease will expire and the maintenance loop will deal with the task.
            logger.error("recording the task's outcome failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    private func finish(_ task: ClaimedTask, as outcome: TaskStore.Outcome, logger: Logger) async throws {
        let recorded = try await client.withConnection { connection in
            try await store.finish(task, as: outcome, workerID: configuration.workerID, on: connection, logger: logger)
        }
        if !recorded { logger.warning("task outcome refused: this worker no longer holds the task") }
    }

    /// Marks the task failed and runs the kind's failure hook in the same transaction, so the
    /// hook runs exactly once.
    private func failForGood(_ task: ClaimedTask, error: String, entry: TaskRegistry.Entry, logger: Logger) async throws {
        try await client.transaction(logger: logger) { connection in
            guard try await store.finish(task, as: .failed(error: error), workerID: configuration.workerID, on: connection, logger: logger) else {
                logger.warning("task outcome refused: this worker no longer holds the task")
                return
            }
            try await entry.finalFailure(task, error, connection, logger)
        }
        Counter(label: "blumpo_task_failures_total", dimensions: [("kind", task.kind)]).increment()
        logger.error("task failed for good", metadata: ["error": "\(error)", "attempt": "\(task.attempt)"])
    }

    // MARK: Shutdown

    /// Lets running tasks finish within the grace period, then interrupts and hands back the rest.
    private func drain() async {
        let deadline = ContinuousClock.now + configuration.gracePeriod
        while state.runningCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if state.runningCount > 0 {
            logger.info("grace period over; handing back \(state.runningCount) running task(s)")
            state.interruptAll(because: .shutdown)
        }
        // Interrupted executions still write their outcome ("released"); wait for that.
        while state.executionCount > 0 {
            try? await Task.sleep(for: .milliseconds(10))
        }
        await flushCompletions()
    }
}
