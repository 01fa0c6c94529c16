/// A task that only waits: operators and tests use it to see the queue work end to end
/// (claim, lease, heartbeat, rescue) without side effects.
public struct QueueProbe: TaskHandler {
    public static let kind = "queue.probe"

    public struct Payload: Codable, Sendable {
        public var sleepMilliseconds: Int
        public init(sleepMilliseconds: Int) { self.sleepMilliseconds = sleepMilliseconds }
        enum CodingKeys: String, CodingKey { case sleepMilliseconds = "sleep_ms" }
    }

    public let options: TaskKindOptions

    public init(options: TaskKindOptions = .init()) {
        self.options = options
    }

    public func run(_ payload: Payload, context: TaskContext) async throws {
        try await Task.sleep(for: .milliseconds(payload.sleepMilliseconds))
    }
}
