public import AsyncHTTPClient
import Core
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Where Stripe is and how to authenticate, from `STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`,
/// `STRIPE_API_BASE`.
public struct StripeSettings: Sendable {
    public var secretKey: String
    public var webhookSecret: String?
    public var apiBase: String

    public init(secretKey: String, webhookSecret: String?, apiBase: String = "https://api.stripe.com") {
        self.secretKey = secretKey
        self.webhookSecret = webhookSecret
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
    }
}

/// Stripe's REST API: form-encoded requests, JSON answers, a pinned API version.
public struct StripeClient: Sendable {
    /// The API version every request asks for, so Stripe's answers keep the shape we parse.
    public static let apiVersion = "2025-10-29.clover"

    let settings: StripeSettings
    let http: HTTPClient
    /// The whole call, connection included. Calls made while a user waits (checkout, portal,
    /// cancel) get a few seconds; background work (webhook processing) may wait longer.
    let deadline: Duration

    public init(settings: StripeSettings, http: HTTPClient = .shared, deadline: Duration = .seconds(30)) {
        self.settings = settings
        self.http = http
        self.deadline = deadline
    }

    /// The same client with another deadline per call.
    public func withDeadline(_ deadline: Duration) -> StripeClient {
        StripeClient(settings: settings, http: http, deadline: deadline)
    }

    /// `POST path` with form fields; `idempotencyKey` makes a retried call create nothing twice.
    public func post(_ path: String, form: [(String, String)], idempotencyKey: String? = nil) async throws -> [String: Any] {
        try await send(.POST, path, body: Self.formEncode(form), idempotencyKey: idempotencyKey)
    }

    public func get(_ path: String, query: [(String, String)] = []) async throws -> [String: Any] {
        try await send(.GET, query.isEmpty ? path : path + "?" + Self.formEncode(query), body: nil, idempotencyKey: nil)
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String?, idempotencyKey: String?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: settings.apiBase + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(settings.secretKey)")
        request.headers.add(name: "Stripe-Version", value: Self.apiVersion)
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let (response, data) = try await withTimeout(deadline) { [http, request] in
            let response = try await http.execute(request, timeout: .seconds(deadline.components.seconds + 1))
            return (response, try await response.body.collect(upTo: 4 << 20))
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: data))) as? [String: Any] ?? [:]
        guard (200..<300).contains(response.status.code) else {
            let error = object["error"] as? [String: Any]
            throw StripeError(status: Int(response.status.code), message: error?["message"] as? String ?? "HTTP \(response.status.code)")
        }
        return object
    }

    /// `a=1&metadata[user_id]=…`, percent-encoded as Stripe expects.
    static func formEncode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }
}

/// Stripe refused a request.
public struct StripeError: Error, CustomStringConvertible, Sendable {
    public let status: Int
    public let message: String
    public var description: String { "Stripe answered \(status): \(message)" }
}
