public import AsyncHTTPClient
import Core
public import Foundation
public import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Reddit's API as an application (no user): a client-credentials token, fetched when first
/// needed and again when Reddit says it expired (401); Reddit's rate-limit headers obeyed before
/// the next call; 429 and 5xx retried a bounded number of times with backoff.
public actor RedditClient {
    public let settings: RedditSettings
    let http: HTTPClient
    let logger: Logger
    private var token: String?
    /// From `X-Ratelimit-Remaining` / `X-Ratelimit-Reset`: when the window has no calls left,
    /// the next call waits until it resets.
    private var remaining: Double?
    private var windowResetsAt: ContinuousClock.Instant?
    /// Calls sent to Reddit (token requests included), for the harvest's budget and the evidence.
    public private(set) var requestCount = 0

    /// Redirects are not followed: Reddit's API answers in place, and a redirect from the
    /// configured bases to any other host (an internal one) is refused as an error instead.
    public static let sharedHTTPClient = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    public init(settings: RedditSettings, http: HTTPClient = RedditClient.sharedHTTPClient, logger: Logger) {
        self.settings = settings
        self.http = http
        self.logger = logger
    }

    /// `GET <api><path>?<query>` as JSON.
    public func get(_ path: String, query: [(String, String)]) async throws -> Data {
        var refreshed = false
        var attempt = 1
        while true {
            let bearer = try await currentToken()
            try await waitForRateWindow()
            var request = HTTPClientRequest(url: settings.apiBase + path + Self.queryString(query + [("raw_json", "1")]))
            request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
            let (status, headers, body) = try await send(request)
            noteRateLimit(headers)
            switch status {
            case 200:
                return body
            case 401 where !refreshed:
                // Tokens last about a day; Reddit may also revoke one early.
                token = nil
                refreshed = true
            case 401:
                throw RedditError.unauthorized("a fresh token was refused too")
            case 429, 500...599:
                guard attempt < settings.maxAttempts else { throw RedditError.unavailable(status: status, attempts: attempt) }
                let wait = backoff(status: status, headers: headers, attempt: attempt)
                logger.warning("Reddit busy, waiting", metadata: ["status": "\(status)", "attempt": "\(attempt)", "wait": "\(wait)"])
                try await Task.sleep(for: wait)
                attempt += 1
            default:
                throw RedditError.httpStatus(status, String(decoding: body.prefix(200), as: UTF8.self))
            }
        }
    }

    /// The token, fetched with HTTP basic auth and `grant_type=client_credentials` when missing.
    func currentToken() async throws -> String {
        if let token { return token }
        var request = HTTPClientRequest(url: settings.authBase + "/api/v1/access_token")
        request.method = .POST
        let credentials = Data("\(settings.clientID):\(settings.clientSecret)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "grant_type=client_credentials"))
        var attempt = 1
        while true {
            let (status, headers, body) = try await send(request)
            if status == 200 {
                struct Grant: Decodable { let access_token: String? }
                guard let grant = try? JSONDecoder().decode(Grant.self, from: body), let value = grant.access_token, !value.isEmpty else {
                    throw RedditError.malformed("the token answer has no access_token")
                }
                token = value
                return value
            }
            if status == 401 || status == 403 { throw RedditError.unauthorized("HTTP \(status) from the token endpoint") }
            guard status == 429 || status >= 500, attempt < settings.maxAttempts else {
                throw status == 429 || status >= 500 ? RedditError.unavailable(status: status, attempts: attempt) : RedditError.httpStatus(status, String(decoding: body.prefix(200), as: UTF8.self))
            }
            try await Task.sleep(for: backoff(status: status, headers: headers, attempt: attempt))
            attempt += 1
        }
    }

    private func send(_ original: HTTPClientRequest) async throws -> (Int, HTTPHeaders, Data) {
        var request = original
        request.headers.replaceOrAdd(name: "User-Agent", value: settings.userAgent)
        request.headers.replaceOrAdd(name: "Accept", value: "application/json")
        requestCount += 1
        let timeout = settings.requestTimeout
        let http = self.http
        let prepared = request
        do {
            // One deadline for the answer and its body: a server that trickles bytes is as slow as one that never answers.
            return try await withTimeout(timeout) {
                let response = try await http.execute(prepared, timeout: .init(timeout))
                if (300..<400).contains(response.status.code) { throw RedditError.transport("Reddit answered with a redirect (\(response.status.code)), not followed") }
                let body = Data(buffer: try await response.body.collect(upTo: 8 << 20))
                return (Int(response.status.code), response.headers, body)
            }
        } catch is TimeoutError {
            throw RedditError.timedOut
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw RedditError.timedOut
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as RedditError {
            throw error
        } catch {
            throw RedditError.transport("\(error)")
        }
    }

    private func waitForRateWindow() async throws {
        guard let remaining, remaining < 1, let resetsAt = windowResetsAt else { return }
        let wait = min(resetsAt - .now, settings.maxWait)
        if wait > .zero {
            logger.info("Reddit rate window spent, waiting for it to reset", metadata: ["wait": "\(wait)"])
            try await Task.sleep(for: wait)
        }
        self.remaining = nil
        windowResetsAt = nil
    }

    private func noteRateLimit(_ headers: HTTPHeaders) {
        if let text = headers.first(name: "X-Ratelimit-Remaining"), let value = Double(text), value.isFinite { remaining = value }
        if let text = headers.first(name: "X-Ratelimit-Reset"), let seconds = Bounds.seconds(text, cappedAt: 3600) {
            windowResetsAt = .now + .milliseconds(Int(seconds * 1000))
        }
    }

    /// 429: until the window resets (`X-Ratelimit-Reset`, else `Retry-After`, else backoff);
    /// 5xx: 1, 2, 4 … seconds. Never longer than `maxWait`.
    func backoff(status: Int, headers: HTTPHeaders, attempt: Int) -> Duration {
        let exponential = Duration.milliseconds(500 << min(attempt, 6))
        if status == 429 {
            let stated = headers.first(name: "X-Ratelimit-Reset") ?? headers.first(name: "Retry-After")
            if let seconds = stated.flatMap({ Bounds.seconds($0, cappedAt: 3600) }) {
                return min(.milliseconds(Int(seconds * 1000)), settings.maxWait)
            }
        }
        return min(exponential, settings.maxWait)
    }

    static func queryString(_ items: [(String, String)]) -> String {
        // ASCII only: `alphanumerics` would let non-ASCII letters through unencoded.
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let pairs = items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }
}
