import Foundation

/// A fixture website (a directory of `Tests/BrandsTests/Sites/`) served on a loopback port by
/// `Servers/site_server.py`.
public final class SiteTestServer: PythonTestServer, @unchecked Sendable {
    /// The host name of an https site, nil for plain http.
    public let tlsName: String?

    /// With `tlsName` the site speaks only https, with a self-signed certificate for that name.
    public init(site: String, tlsName: String? = nil) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("BrandsTests/Sites/\(site)").path
        self.tlsName = tlsName
        try super.init(script: "site_server.py", arguments: [root] + (tlsName.map { ["--tls", $0] } ?? []))
    }

    /// `http://127.0.0.1:<port>`, the site's root as a user would paste it (`https://<tlsName>:<port>` for https).
    public var url: String { tlsName.map { "https://\($0):\(port)" } ?? "http://127.0.0.1:\(port)" }

    /// The https site's certificate (PEM), to trust in a client.
    public var certificatePath: String { directory + "/cert.pem" }

    /// The server names (SNI) clients asked for, one per TLS handshake.
    public func serverNames() -> [String] {
        ((try? String(contentsOfFile: directory + "/sni.txt", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// How many generated images were requested and the most served at the same time.
    public func generatedImageStats() -> (requests: Int, maxInFlight: Int) {
        let data = FileManager.default.contents(atPath: directory + "/stats.json") ?? Data("{}".utf8)
        let stats = (try? JSONSerialization.jsonObject(with: data)) as? [String: Int] ?? [:]
        return (stats["generated_requests"] ?? 0, stats["max_generated_in_flight"] ?? 0)
    }
}

/// moto's S3 server with Signature V4 enforced (see `Servers/s3_server.py`).
public final class S3TestServer: PythonTestServer, @unchecked Sendable {
    public struct Credentials: Decodable, Sendable {
        public let accessKeyID: String
        public let secretAccessKey: String
        public let bucket: String
        enum CodingKeys: String, CodingKey { case accessKeyID = "access_key_id", secretAccessKey = "secret_access_key", bucket }
    }

    public init() throws { try super.init(script: "s3_server.py") }

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The access key and bucket the server created (available once it has started).
    public func credentials() async throws -> Credentials {
        let file = directory + "/credentials.json"
        guard try await eventually(timeout: .seconds(30), every: .milliseconds(100), { FileManager.default.fileExists(atPath: file) }),
              let data = FileManager.default.contents(atPath: file)
        else { throw TestSupportError("the S3 test server did not create its bucket") }
        return try JSONDecoder().decode(Credentials.self, from: data)
    }
}

/// An OpenAI-compatible chat-completions stand-in (see `Servers/llm_server.py`); key `test-key`.
public final class LLMTestServer: PythonTestServer, @unchecked Sendable {
    public init(answer: String, failFirst: Int = 0) throws {
        try super.init(script: "llm_server.py")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try answer.write(toFile: directory + "/answer.json", atomically: true, encoding: .utf8)
        try String(failFirst).write(toFile: directory + "/fail_first", atomically: true, encoding: .utf8)
    }

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Every request received: `{path, authorization, body}`.
    public func requests() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: directory + "/requests.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

/// A Vercel Blob API stand-in (see `Servers/vercel_blob_server.py`).
public final class VercelBlobTestServer: PythonTestServer, @unchecked Sendable {
    public static let token = "vercel_blob_rw_teststore_secret"
    public init() throws { try super.init(script: "vercel_blob_server.py") }
    public var baseURL: String { "http://127.0.0.1:\(port)" }
}

/// An n8n stand-in (see `Servers/n8n_server.py`): webhooks that acknowledge, then call back.
public final class N8NTestServer: PythonTestServer, @unchecked Sendable {
    public static let webhookKey = "n8n-test-key"
    public init() throws { try super.init(script: "n8n_server.py") }
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Webhook calls received: `{path, key, body}`.
    public func requests() -> [[String: Any]] { lines("requests.jsonl") }
    /// Callbacks sent: `{body, signature, status}`.
    public func callbacks() -> [[String: Any]] { lines("callbacks.jsonl") }

    private func lines(_ file: String) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: directory + "/" + file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

/// A Reddit stand-in (see `Servers/reddit_server.py`): the OAuth2 token endpoint and the search
/// and comments listings; client id `test-id`, secret `test-secret`.
public final class RedditTestServer: PythonTestServer, @unchecked Sendable {
    /// `content` is the listings to serve (`{"search": {term: [pages]}, "comments": {id: [things]}}`);
    /// `behaviour` the failures to act out (see the script).
    public init(content: [String: Any], behaviour: [String: Any] = [:]) throws {
        try super.init(script: "reddit_server.py")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: content).write(to: URL(fileURLWithPath: directory + "/content.json"))
        try JSONSerialization.data(withJSONObject: behaviour).write(to: URL(fileURLWithPath: directory + "/behaviour.json"))
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request received: `{method, path, query, authorization, user_agent, body, time}`.
    public func requests() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: directory + "/requests.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}
