public import Foundation

/// A task to enqueue: what to do (`kind` + JSON `payload`), when, and how it is deduplicated.
public struct NewTask: Sendable {
    public var kind: String
    /// The payload as JSON text.
    public var payload: String
    public var priority: Int16
    public var runAt: Date?
    public var maxAttempts: Int?
    /// While a task with this key is available or running, enqueueing the same key does nothing.
    public var uniqueKey: String?
    /// Who the work is for (a user id); claims cap the running tasks per owner for capped kinds.
    public var owner: String?

    public init(
        kind: String, payload: some Encodable, priority: Int16 = 0, runAt: Date? = nil,
        maxAttempts: Int? = nil, uniqueKey: String? = nil, owner: String? = nil
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self.kind = kind
        self.payload = String(decoding: try encoder.encode(payload), as: UTF8.self)
        self.priority = priority
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.uniqueKey = uniqueKey
        self.owner = owner
    }
}

/// A payload for kinds that need none.
public struct EmptyPayload: Codable, Sendable {
    public init() {}
}
