public import Accounts
public import Billing
import Brands
public import Configuration
import Foundation
public import Generation
public import LLM
public import Logging
public import Reddit
public import Storage
import SystemPackage

/// Every setting the program reads, parsed and checked once at start-up.
///
/// Values come from environment variables, then from an optional `.env` file in the working
/// directory, then from the defaults below. See the README's configuration table.
public struct AppConfiguration: Sendable {
    public enum LogFormat: String, Sendable { case text, json }

    public var databaseURL: String?
    public var host: String
    public var port: Int
    public var dataDirectory: String
    public var baseURL: String
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    public var adminEmails: Set<String>
    /// Run migrations when `serve` starts.
    public var migrateOnStart: Bool
    public var queue: QueueSettings
    /// Mail delivery; nil writes mail to the log and `$BLUMPO_DATA_DIR/outbox/`.
    public var smtp: SMTPSettings?
    public var auth: AuthSettings
    /// Payments; nil when `STRIPE_SECRET_KEY` is unset (billing endpoints then answer 503).
    public var stripe: StripeSettings?
    public var blobs: BlobSettings
    /// `BLUMPO_FETCH_ALLOW_PRIVATE`: let server-side fetches reach loopback and private addresses.
    public var fetchAllowPrivate: Bool
    /// `BLUMPO_FETCH_LOOPBACK_ONLY`: server-side fetches resolve no name through DNS and reach
    /// nothing but loopback (the test harness sets it, so tests never touch the outside network).
    public var fetchLoopbackOnly: Bool
    /// The insights model; nil uses the offline extractor.
    public var llm: LLMSettings?
    /// n8n workflows (`n8n:<path>`); nil when `N8N_BASE_URL` is unset.
    public var n8n: N8NSettings?
    /// Reddit mining; nil when `REDDIT_CLIENT_ID` is unset (the reddit step is then skipped).
    public var reddit: RedditSettings?
    /// `BLUMPO_TRUSTED_PROXIES`: peers whose `X-Forwarded-For` names the client.
    public var trustedProxies: [IPNetwork]
    /// `BLUMPO_SSE_STREAMS_PER_USER` and `BLUMPO_SSE_STREAMS_TOTAL`: open job event streams.
    public var eventStreamsPerUser: Int
    public var eventStreamsTotal: Int
    /// `BLUMPO_METRICS_TOKEN`: when set, `/metrics` wants `Authorization: Bearer <token>`.
    public var metricsToken: String?
    /// `BLUMPO_EXTRACTIONS_PER_USER_HOUR`: brand creations and re-extractions per user per hour.
    public var extractionsPerUserPerHour: Int

    /// Where blobs live (`BLOB_STORE`).
    public enum BlobSettings: Sendable {
        /// `$BLUMPO_DATA_DIR/blobs`, served at `/blobs/`.
        case local
        case s3(S3Settings)
        case vercel(token: String, apiBase: String)
    }

    /// How workers and the scheduler behave.
    public struct QueueSettings: Sendable {
        /// Sleep of an idle worker between polls (LISTEN/NOTIFY usually wakes it sooner).
        public var pollInterval: Duration
        /// Overrides every kind's lease (tests use short leases to see rescues quickly).
        public var leaseOverride: Duration?
        public var gracePeriod: Duration
        public var maintenanceInterval: Duration
        public var retention: Duration
        public var schedulerCheckInterval: Duration
    }

    /// Reads the process environment and `.env`.
    public static func fromEnvironment() async throws -> AppConfiguration {
        let reader = ConfigReader(providers: [
            EnvironmentVariablesProvider(),
            try await EnvironmentVariablesProvider(environmentFilePath: ".env", allowMissing: true),
        ])
        return try AppConfiguration(reader: reader)
    }

    /// Reads an explicit set of variables (tests, child processes).
    public init(environment: [String: String]) throws {
        try self.init(reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment)))
    }

    public init(reader: ConfigReader) throws {
        let settings = SettingsReader(reader: reader)
        databaseURL = settings.optionalString("DATABASE_URL")
        host = settings.optionalString("BLUMPO_HOST") ?? "127.0.0.1"
        port = try settings.integer("BLUMPO_PORT", default: 8080, range: 1...65535)
        dataDirectory = settings.optionalString("BLUMPO_DATA_DIR") ?? ".blumpo"
        baseURL = try settings.url("BLUMPO_BASE_URL") ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        logLevel = try settings.choice("BLUMPO_LOG_LEVEL", default: .info) { Logger.Level(rawValue: $0) }
        logFormat = try settings.choice("BLUMPO_LOG_FORMAT", default: .text) { LogFormat(rawValue: $0) }
        adminEmails = Set(
            (settings.optionalString("BLUMPO_ADMIN_EMAILS") ?? "")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .filter { !$0.isEmpty })
        migrateOnStart = try settings.boolean("BLUMPO_MIGRATE_ON_START", default: true)
        let mailFrom = settings.optionalString("MAIL_FROM") ?? "Blumpo <no-reply@blumpo.local>"
        if let url = settings.optionalString("SMTP_URL") {
            do {
                smtp = try SMTPSettings(url: url, from: mailFrom)
            } catch {
                throw ConfigurationError(variable: "SMTP_URL", value: ConfigurationError.redacted(url), accepted: "smtp://user:pass@host:587 or smtps://user:pass@host:465")
            }
        } else {
            smtp = nil
        }
        if let key = settings.optionalString("STRIPE_SECRET_KEY") {
            stripe = StripeSettings(
                secretKey: key, webhookSecret: settings.optionalString("STRIPE_WEBHOOK_SECRET"),
                apiBase: try settings.url("STRIPE_API_BASE") ?? "https://api.stripe.com")
        } else {
            stripe = nil
        }
        fetchAllowPrivate = try settings.boolean("BLUMPO_FETCH_ALLOW_PRIVATE", default: false)
        fetchLoopbackOnly = try settings.boolean("BLUMPO_FETCH_LOOPBACK_ONLY", default: false)
        blobs = try Self.blobSettings(settings)
        if let base = try settings.url("LLM_BASE_URL") {
            llm = LLMSettings(baseURL: base, apiKey: settings.optionalString("LLM_API_KEY"), model: settings.optionalString("LLM_MODEL") ?? "gpt-4o-mini")
        } else {
            llm = nil
        }
        if let base = try settings.url("N8N_BASE_URL") {
            guard let key = settings.optionalString("N8N_WEBHOOK_KEY") else {
                throw ConfigurationError(variable: "N8N_WEBHOOK_KEY", value: "", accepted: "the key n8n's webhooks expect (required with N8N_BASE_URL)")
            }
            var n8n = N8NSettings(baseURL: base, webhookKey: key, callbackURL: baseURL + "/api/v1/workflows/callback")
            n8n.deadline = .seconds(try settings.integer("N8N_CALLBACK_TIMEOUT_SECONDS", default: 600, range: 1...86400))
            self.n8n = n8n
        } else {
            n8n = nil
        }
        reddit = try Self.redditSettings(settings, productBaseURL: baseURL)
        trustedProxies = try (settings.optionalString("BLUMPO_TRUSTED_PROXIES") ?? "").split(separator: ",").map { entry in
            let text = entry.trimmingCharacters(in: .whitespaces)
            guard let network = IPNetwork(text) else {
                throw ConfigurationError(variable: "BLUMPO_TRUSTED_PROXIES", value: text, accepted: "comma-separated addresses or CIDR ranges, e.g. 10.0.0.0/8,::1")
            }
            return network
        }
        eventStreamsPerUser = try settings.integer("BLUMPO_SSE_STREAMS_PER_USER", default: 5, range: 1...1000)
        eventStreamsTotal = try settings.integer("BLUMPO_SSE_STREAMS_TOTAL", default: 1000, range: 1...100_000)
        metricsToken = settings.optionalString("BLUMPO_METRICS_TOKEN")
        extractionsPerUserPerHour = try settings.integer("BLUMPO_EXTRACTIONS_PER_USER_HOUR", default: 20, range: 1...100_000)
        auth = AuthSettings()
        auth.codeRequestsPerEmailPerHour = try settings.integer("BLUMPO_OTP_REQUESTS_PER_EMAIL_HOUR", default: 10, range: 1...100_000)
        auth.codeRequestsPerIPPerHour = try settings.integer("BLUMPO_OTP_REQUESTS_PER_IP_HOUR", default: 30, range: 1...100_000)
        auth.wrongCodesPerEmailPerHour = try settings.integer("BLUMPO_OTP_WRONG_CODES_PER_EMAIL_HOUR", default: 10, range: 1...100_000)
        auth.verifyAttemptsPerIPPerHour = try settings.integer("BLUMPO_OTP_VERIFY_PER_IP_HOUR", default: 60, range: 1...100_000)
        auth.scryptLogRounds = try settings.integer("BLUMPO_SCRYPT_LOG_N", default: 14, range: 10...20)
        let lease = try settings.integer("BLUMPO_QUEUE_LEASE_SECONDS", default: 0, range: 0...86400)
        queue = QueueSettings(
            pollInterval: .milliseconds(try settings.integer("BLUMPO_QUEUE_POLL_MS", default: 1000, range: 10...60000)),
            leaseOverride: lease > 0 ? .seconds(lease) : nil,
            gracePeriod: .seconds(try settings.integer("BLUMPO_QUEUE_GRACE_SECONDS", default: 20, range: 0...3600)),
            maintenanceInterval: .milliseconds(try settings.integer("BLUMPO_QUEUE_MAINTENANCE_MS", default: 5000, range: 10...600_000)),
            retention: .seconds(3600 * (try settings.integer("BLUMPO_QUEUE_RETENTION_HOURS", default: 72, range: 1...8760))),
            schedulerCheckInterval: .milliseconds(try settings.integer("BLUMPO_SCHEDULER_CHECK_MS", default: 1000, range: 10...60000)))
    }
}

extension AppConfiguration {
    static func blobSettings(_ settings: SettingsReader) throws -> BlobSettings {
        switch settings.optionalString("BLOB_STORE")?.lowercased() ?? "local" {
        case "local":
            return .local
        case "s3":
            func required(_ name: String) throws -> String {
                guard let value = settings.optionalString(name) else {
                    throw ConfigurationError(variable: name, value: "", accepted: "a value (BLOB_STORE=s3 needs S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY)")
                }
                return value
            }
            let endpoint = try settings.url("S3_ENDPOINT") ?? required("S3_ENDPOINT")
            let bucket = try required("S3_BUCKET")
            guard bucket.range(of: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", options: .regularExpression) != nil else {
                throw ConfigurationError(variable: "S3_BUCKET", value: bucket, accepted: "an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)")
            }
            // AWS serves virtual-host style; local and most compatible servers want path style.
            let pathStyle = try settings.boolean("S3_PATH_STYLE", default: !endpoint.contains("amazonaws.com"))
            return .s3(
                S3Settings(
                    endpoint: endpoint, region: settings.optionalString("S3_REGION") ?? "us-east-1", bucket: bucket,
                    accessKeyID: try required("S3_ACCESS_KEY_ID"), secretAccessKey: try required("S3_SECRET_ACCESS_KEY"),
                    publicBaseURL: try settings.url("S3_PUBLIC_BASE_URL"), pathStyle: pathStyle))
        case "vercel":
            guard let token = settings.optionalString("BLOB_READ_WRITE_TOKEN") else {
                throw ConfigurationError(variable: "BLOB_READ_WRITE_TOKEN", value: "", accepted: "the store's read-write token (BLOB_STORE=vercel)")
            }
            return .vercel(token: token, apiBase: try settings.url("VERCEL_BLOB_API_URL") ?? "https://blob.vercel-storage.com")
        case let other:
            throw ConfigurationError(variable: "BLOB_STORE", value: other, accepted: "one of local, s3, vercel")
        }
    }
}

/// A setting that could not be used; printed as one line naming the variable and what it accepts.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let variable: String
    public let value: String
    public let accepted: String

    /// Never shows a URL's password, whichever setting the URL came from.
    public var description: String { "\(variable)=\"\(Self.redacted(value))\" is not valid: expected \(accepted)" }

    /// `scheme://user:secret@host` → `scheme://user:***@host`; other text unchanged.
    public static func redacted(_ value: String) -> String {
        guard let scheme = value.range(of: "://") else { return value }
        let rest = value[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return value }
        return String(value[..<authority.index(after: colon)]) + "***" + String(value[at...])
    }
}

/// Typed access to string settings with errors that name the variable.
struct SettingsReader {
    let reader: ConfigReader

    /// `BLUMPO_PORT` is read through the key `blumpo.port`, which the environment provider maps back.
    private func key(_ variable: String) -> String { variable.lowercased().replacingOccurrences(of: "_", with: ".") }

    func optionalString(_ variable: String) -> String? {
        guard let value = reader.string(forKey: ConfigKey(key(variable))), !value.isEmpty else { return nil }
        return value
    }

    func integer(_ variable: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = optionalString(variable) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(variable: variable, value: text, accepted: "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func boolean(_ variable: String, default defaultValue: Bool) throws -> Bool {
        guard let text = optionalString(variable) else { return defaultValue }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: variable, value: text, accepted: "1/0, true/false, yes/no or on/off")
        }
    }

    func choice<T: CaseIterableChoice>(_ variable: String, default defaultValue: T, parse: (String) -> T?) throws -> T {
        guard let text = optionalString(variable) else { return defaultValue }
        guard let value = parse(text.lowercased()) else {
            throw ConfigurationError(variable: variable, value: text, accepted: "one of " + T.choices.joined(separator: ", "))
        }
        return value
    }

    func url(_ variable: String) throws -> String? {
        guard let text = optionalString(variable) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigurationError(variable: variable, value: text, accepted: "an absolute http:// or https:// URL")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}

/// A setting with a fixed list of accepted spellings, listed in its error message.
protocol CaseIterableChoice { static var choices: [String] { get } }

extension Logger.Level: CaseIterableChoice {
    static var choices: [String] { Logger.Level.allCases.map(\.rawValue) }
}

extension AppConfiguration.LogFormat: CaseIterableChoice {
    static var choices: [String] { ["text", "json"] }
}
