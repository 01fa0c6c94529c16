/// Where and as whom Blumpo reads Reddit: an app's client credentials (OAuth2 client-credentials
/// grant, read-only, no user account) and the two hosts Reddit splits its API across.
public struct RedditSettings: Sendable {
    public var clientID: String
    public var clientSecret: String
    /// `https://www.reddit.com`; the token comes from `<auth>/api/v1/access_token`.
    public var authBase: String
    /// `https://oauth.reddit.com`; every API call goes here with the bearer token.
    public var apiBase: String
    /// Reddit asks every client to name itself honestly and give a way to reach its operator.
    public var userAgent: String
    /// One request's deadline, the whole answer read.
    public var requestTimeout: Duration = .seconds(20)
    /// Attempts per request on 429 and 5xx (the first included).
    public var maxAttempts = 4
    /// The longest we wait for a rate-limit window or a backoff, so a hostile or confused
    /// `X-Ratelimit-Reset` cannot park a worker for hours.
    public var maxWait: Duration = .seconds(60)

    public init(clientID: String, clientSecret: String, authBase: String = "https://www.reddit.com", apiBase: String = "https://oauth.reddit.com", productBaseURL: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.authBase = Self.trimmed(authBase)
        self.apiBase = Self.trimmed(apiBase)
        userAgent = Self.userAgent(productBaseURL: productBaseURL)
    }

    /// Reddit's requested form, `<platform>:<app id>:<version> (<contact>)`.
    public static func userAgent(productBaseURL: String) -> String {
        "server:blumpo-insights:1.0 (Blumpo ad creatives; +\(trimmed(productBaseURL)))"
    }

    static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

/// Why a Reddit call failed.
public enum RedditError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The credentials were refused (HTTP 401 from the token endpoint, or still 401 after a fresh token).
    case unauthorized(String)
    /// Still 429 or 5xx after every attempt.
    case unavailable(status: Int, attempts: Int)
    case httpStatus(Int, String)
    case timedOut
    case transport(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .unauthorized(let detail): "Reddit refused the app's credentials: \(detail)"
        case .unavailable(let status, let attempts): "Reddit answered HTTP \(status) \(attempts) times in a row"
        case .httpStatus(let status, let body): "Reddit answered HTTP \(status): \(body)"
        case .timedOut: "Reddit did not answer in time"
        case .transport(let detail): "could not reach Reddit: \(detail)"
        case .malformed(let detail): "Reddit's answer could not be read: \(detail)"
        }
    }
}
