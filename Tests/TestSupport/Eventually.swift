/// Polls `condition` until it holds or `timeout` passes, and returns whether it held.
///
/// Tests wait with this for something to happen (a row, a file, a process exiting, a server
/// listening) rather than sleeping a fixed time: it returns as soon as the condition holds and
/// still gives a slow machine the whole timeout.
public func eventually(
    timeout: Duration = .seconds(15), every interval: Duration = .milliseconds(25), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
