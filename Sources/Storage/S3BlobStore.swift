public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import NIOFoundationCompat

/// Where an S3-compatible bucket lives and how to reach it.
public struct S3Settings: Sendable {
    /// `https://s3.eu-west-1.amazonaws.com`, `https://<account>.r2.cloudflarestorage.com`, `http://127.0.0.1:9000`.
    public var endpoint: String
    public var region: String
    public var bucket: String
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Where browsers read blobs (a CDN or the bucket's public URL); defaults to the object URL.
    public var publicBaseURL: String?
    /// `endpoint/bucket/key` (MinIO, most local servers) instead of `bucket.endpoint/key` (AWS).
    public var pathStyle: Bool

    public init(
        endpoint: String, region: String, bucket: String, accessKeyID: String, secretAccessKey: String, publicBaseURL: String? = nil,
        pathStyle: Bool
    ) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.region = region
        self.bucket = bucket
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.publicBaseURL = publicBaseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.pathStyle = pathStyle
    }
}

/// An S3-compatible bucket through its REST API, every request signed with Signature V4.
public struct S3BlobStore: BlobStore {
    let settings: S3Settings
    let signer: SignatureV4
    let http: HTTPClient

    public init(settings: S3Settings, http: HTTPClient) {
        self.settings = settings
        self.signer = SignatureV4(accessKeyID: settings.accessKeyID, secretAccessKey: settings.secretAccessKey, region: settings.region)
        self.http = http
    }

    /// Scheme + authority and the path prefix for objects, per addressing style.
    private var bucketBase: (origin: String, pathPrefix: String) {
        guard !settings.pathStyle, let url = URL(string: settings.endpoint), let scheme = url.scheme, let host = url.host else {
            return (settings.endpoint, "/\(settings.bucket)")
        }
        let port = url.port.map { ":\($0)" } ?? ""
        return ("\(scheme)://\(settings.bucket).\(host)\(port)", "")
    }

    private func objectPath(_ key: BlobKey) -> String {
        bucketBase.pathPrefix + "/" + key.path.split(separator: "/").map { SignatureV4.encode(String($0)) }.joined(separator: "/")
    }

    private func send(_ method: HTTPMethod, _ key: BlobKey, body: Data = Data(), headers: [String: String] = [:]) async throws -> (HTTPResponseStatus, HTTPHeaders, Data) {
        let base = bucketBase
        let path = objectPath(key)
        guard let host = URL(string: base.origin).flatMap({ url in url.host.map { $0 + (url.port.map { ":\($0)" } ?? "") } }) else {
            throw BlobStoreError("S3_ENDPOINT is not a URL")
        }
        var signedHeaders = headers
        signedHeaders["host"] = host
        let authorization = signer.sign(method: method.rawValue, path: path, headers: signedHeaders, payload: body)
        var request = HTTPClientRequest(url: base.origin + path)
        request.method = method
        for (name, value) in headers.merging(authorization, uniquingKeysWith: { $1 }) { request.headers.add(name: name, value: value) }
        if !body.isEmpty || method == .PUT { request.body = .bytes(ByteBuffer(data: body)) }
        let response = try await http.execute(request, timeout: .seconds(60))
        let data = method == .HEAD ? Data() : Data(buffer: try await response.body.collect(upTo: 64 << 20))
        return (response.status, response.headers, data)
    }

    /// S3 keeps `Content-Disposition` with the object and sends it back on every GET (the
    /// bucket's public URL and CDNs in front of it included). A `Content-Security-Policy` cannot
    /// be stored that way: S3 returns only `x-amz-meta-*` user metadata, which browsers ignore.
    public func put(_ data: Data, key: BlobKey, contentType: String) async throws -> String {
        let headers = ["content-type": contentType, "content-disposition": ContentDisposition.header(for: key, contentType: contentType)]
        let (status, _, body) = try await send(.PUT, key, body: data, headers: headers)
        guard status == .ok else { throw BlobStoreError("S3 put \(key): HTTP \(status.code) \(Self.errorCode(body))") }
        return publicURL(for: key)
    }

    public func get(_ key: BlobKey) async throws -> Data? {
        let (status, _, body) = try await send(.GET, key)
        if status == .notFound { return nil }
        guard status == .ok else { throw BlobStoreError("S3 get \(key): HTTP \(status.code) \(Self.errorCode(body))") }
        return body
    }

    public func head(_ key: BlobKey) async throws -> BlobInfo? {
        let (status, headers, _) = try await send(.HEAD, key)
        if status == .notFound { return nil }
        guard status == .ok else { throw BlobStoreError("S3 head \(key): HTTP \(status.code)") }
        return BlobInfo(
            size: headers.first(name: "content-length").flatMap(Int.init) ?? 0,
            contentType: headers.first(name: "content-type") ?? "application/octet-stream")
    }

    public func delete(_ key: BlobKey) async throws {
        let (status, _, body) = try await send(.DELETE, key)
        guard status == .noContent || status == .ok || status == .notFound else {
            throw BlobStoreError("S3 delete \(key): HTTP \(status.code) \(Self.errorCode(body))")
        }
    }

    public func publicURL(for key: BlobKey) -> String {
        if let base = settings.publicBaseURL { return base + "/" + key.path }
        return bucketBase.origin + objectPath(key)
    }

    public func key(forPublicURL url: String) -> BlobKey? {
        key(forURL: url, under: settings.publicBaseURL ?? (bucketBase.origin + bucketBase.pathPrefix))
    }

    /// The `<Code>` of an S3 XML error body, for messages.
    static func errorCode(_ body: Data) -> String {
        let text = String(decoding: body, as: UTF8.self)
        guard let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>", range: start.upperBound..<text.endIndex) else { return "" }
        return String(text[start.upperBound..<end.lowerBound])
    }
}
