public import AsyncHTTPClient
import Core
import Foundation
public import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Where an OpenAI-compatible chat-completions API lives (OpenAI, Ollama, vLLM, …).
public struct LLMSettings: Sendable {
    /// `https://api.openai.com/v1`; requests go to `<base>/chat/completions`.
    public var baseURL: String
    public var apiKey: String?
    public var model: String
    public var timeout: Duration = .seconds(60)
    public var maxAttempts = 3

    public init(baseURL: String, apiKey: String?, model: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
    }
}

/// Chat completions with `response_format: json_schema` (strict), retried on 429 and 5xx with
/// backoff (honouring `Retry-After`), token usage logged.
public struct OpenAICompatibleClient: LLMClient {
    public let settings: LLMSettings
    let http: HTTPClient
    let logger: Logger

    public var providerName: String { "openai-compatible" }
    public var model: String { settings.model }

    public init(settings: LLMSettings, http: HTTPClient, logger: Logger) {
        self.settings = settings
        self.http = http
        self.logger = logger
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let body = try requestBody(request)
        var attempt = 1
        while true {
            do {
                return try await send(body)
            } catch let error as LLMError where error.retryable && attempt < settings.maxAttempts {
                let delay = error.retryAfter ?? .milliseconds(500 * (1 << (attempt - 1)))
                logger.warning("LLM request failed, retrying", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try await Task.sleep(for: min(delay, .seconds(20)))
                attempt += 1
            }
        }
    }

    func requestBody(_ request: LLMRequest) throws -> Data {
        let schema = try JSONSerialization.jsonObject(with: Data(request.schema.utf8))
        let body: [String: Any] = [
            "model": settings.model,
            "temperature": 0,
            "max_tokens": request.maxTokens,
            "messages": [["role": "system", "content": request.system], ["role": "user", "content": request.user]],
            "response_format": ["type": "json_schema", "json_schema": ["name": request.schemaName, "strict": true, "schema": schema]],
        ]
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }

    private func send(_ body: Data) async throws -> LLMResponse {
        var request = HTTPClientRequest(url: settings.baseURL + "/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key = settings.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .bytes(ByteBuffer(data: body))
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await http.execute(request, timeout: .init(settings.timeout))
            data = Data(buffer: try await response.body.collect(upTo: 8 << 20))
        } catch {
            throw LLMError("LLM request failed: \(error)", retryable: true)
        }
        let status = Int(response.status.code)
        guard status == 200 else {
            let retryable = status == 429 || status >= 500
            var error = LLMError("LLM answered HTTP \(status): \(String(decoding: data.prefix(300), as: UTF8.self))", retryable: retryable)
            error.retryAfter = response.headers.first(name: "Retry-After").flatMap { Bounds.seconds($0, cappedAt: 60) }.map { .milliseconds(Int($0 * 1000)) }
            throw error
        }
        struct Completion: Decodable {
            struct Choice: Decodable {
                struct Message: Decodable { let content: String?; let refusal: String? }
                let message: Message
                let finish_reason: String?
            }
            struct Usage: Decodable { let prompt_tokens: Int?; let completion_tokens: Int? }
            let choices: [Choice]
            let usage: Usage?
        }
        guard let completion = try? JSONDecoder().decode(Completion.self, from: data), let choice = completion.choices.first else {
            throw LLMError("LLM answer is not a chat completion", retryable: false)
        }
        if let refusal = choice.message.refusal { throw LLMError("LLM refused: \(refusal)", retryable: false) }
        guard let content = choice.message.content, !content.isEmpty else { throw LLMError("LLM answer is empty", retryable: false) }
        logger.info(
            "LLM completion", metadata: ["model": "\(settings.model)", "prompt_tokens": "\(completion.usage?.prompt_tokens ?? 0)", "completion_tokens": "\(completion.usage?.completion_tokens ?? 0)"])
        return LLMResponse(content: content, promptTokens: completion.usage?.prompt_tokens, completionTokens: completion.usage?.completion_tokens)
    }
}
