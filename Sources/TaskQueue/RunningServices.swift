public import Logging
public import ServiceLifecycle

/// Runs `services` (workers, schedulers) in a service group while `body` runs, then shuts them
/// down gracefully and waits for them — as SIGTERM would in production.
public func withRunningServices<T: Sendable>(
    _ services: [any Service], logger: Logger, _ body: @Sendable () async throws -> T
) async throws -> T {
    let group = ServiceGroup(services: services, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: T
        do {
            result = try await body()
        } catch {
            tasks.cancelAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return result
    }
}
