import Foundation

/// A chat model that answers with JSON matching a schema.
public protocol LLMClient: Sendable {
    /// `openai-compatible`, recorded in `ins_raw.provider`.
    var providerName: String { get }
    var model: String { get }
    func complete(_ request: LLMRequest) async throws -> LLMResponse
}

public struct LLMRequest: Sendable {
    public let system: String
    public let user: String
    public let schemaName: String
    /// The JSON Schema of the answer, as JSON text.
    public let schema: String
    public let maxTokens: Int

    public init(system: String, user: String, schemaName: String, schema: String, maxTokens: Int = 1500) {
        self.system = system
        self.user = user
        self.schemaName = schemaName
        self.schema = schema
        self.maxTokens = maxTokens
    }
}

public struct LLMResponse: Sendable {
    /// The answer's JSON text.
    public let content: String
    public let promptTokens: Int?
    public let completionTokens: Int?
}

public struct LLMError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// A retry might succeed (rate limit, server error, timeout).
    public let retryable: Bool
    /// How long the server asked us to wait (`Retry-After`), when it said.
    public var retryAfter: Duration?
    public init(_ description: String, retryable: Bool) {
        self.description = description
        self.retryable = retryable
    }
}
