import Synchronization

/// The tasks one worker process is running, shared by its claim, heartbeat and shutdown paths.
final class WorkerState: Sendable {
    /// Why a running handler was interrupted; decides what the worker writes afterwards.
    enum Interruption: Sendable {
        case cancelRequested, leaseLost, shutdown
    }

    private struct Running {
        var task: ClaimedTask
        var handle: Task<Void, any Error>?
        var interruption: Interruption?
    }

    private struct State {
        var running: [Int64: Running] = [:]
        /// Executions still recording an outcome (a task leaves `running` before its outcome is written).
        var executions = 0
        var shuttingDown = false
    }

    private let state = Mutex(State())

    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    func beginShutdown() { state.withLock { $0.shuttingDown = true } }

    func runningCount(kind: String) -> Int {
        state.withLock { $0.running.values.count { $0.task.kind == kind } }
    }

    var runningCount: Int { state.withLock { $0.running.count } }

    var runningTasks: [ClaimedTask] { state.withLock { $0.running.values.map(\.task) } }

    func add(_ task: ClaimedTask) {
        state.withLock {
            $0.running[task.id] = Running(task: task)
            $0.executions += 1
        }
    }

    /// Called when an execution has written its outcome.
    func executionEnded() { state.withLock { $0.executions -= 1 } }

    var executionCount: Int { state.withLock { $0.executions } }

    /// Records the handler's handle; if an interruption arrived first, cancels it right away.
    func attach(_ handle: Task<Void, any Error>, to id: Int64) {
        let cancelNow = state.withLock { state -> Bool in
            state.running[id]?.handle = handle
            return state.running[id]?.interruption != nil
        }
        if cancelNow { handle.cancel() }
    }

    /// Cancels a running handler and remembers why (the first reason wins).
    func interrupt(_ id: Int64, because reason: Interruption) {
        let handle = state.withLock { state -> Task<Void, any Error>? in
            guard state.running[id] != nil else { return nil }
            if state.running[id]?.interruption == nil { state.running[id]?.interruption = reason }
            return state.running[id]?.handle
        }
        handle?.cancel()
    }

    func interruptAll(because reason: Interruption) {
        for task in runningTasks { interrupt(task.id, because: reason) }
    }

    /// Forgets a finished task and says whether (and why) it was interrupted.
    func remove(_ id: Int64) -> Interruption? {
        state.withLock { $0.running.removeValue(forKey: id)?.interruption }
    }
}
