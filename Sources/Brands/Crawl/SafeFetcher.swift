public import AsyncHTTPClient
public import Foundation
import Core
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix

/// A resource fetched from the web, after redirects.
public struct FetchedResource: Sendable {
    /// The URL that finally answered.
    public let url: URL
    public let status: Int
    /// Lower-case media type without parameters (`text/html`).
    public let mediaType: String
    /// The `charset` parameter of `Content-Type`, if any.
    public let charset: String?
    public let body: Data
    /// The body was cut at the size limit (pages only; assets over the limit are refused).
    public let truncated: Bool
}

/// Limits of one fetch.
public struct FetchLimits: Sendable {
    public var timeout: Duration
    public var maximumBytes: Int
    /// Media types accepted (prefix match: `image/` accepts every image type); empty accepts all.
    public var acceptedTypes: [String]
    /// Keep the first `maximumBytes` of a larger body instead of refusing it.
    public var truncateOversized: Bool

    public init(timeout: Duration, maximumBytes: Int, acceptedTypes: [String], truncateOversized: Bool = false) {
        self.timeout = timeout
        self.maximumBytes = maximumBytes
        self.acceptedTypes = acceptedTypes
        self.truncateOversized = truncateOversized
    }

    public static let page = FetchLimits(timeout: .seconds(8), maximumBytes: 3 << 20, acceptedTypes: ["text/html", "application/xhtml+xml"], truncateOversized: true)
    public static let stylesheet = FetchLimits(timeout: .seconds(6), maximumBytes: 2 << 20, acceptedTypes: ["text/css", "text/plain"], truncateOversized: true)
    public static let manifest = FetchLimits(timeout: .seconds(5), maximumBytes: 256 << 10, acceptedTypes: ["application/manifest+json", "application/json", "text/plain"])
    public static let image = FetchLimits(timeout: .seconds(10), maximumBytes: 10 << 20, acceptedTypes: ["image/"])
}

/// Fetches user-supplied URLs under the SSRF rules: every hop's host is resolved and checked
/// before connecting, redirects (at most 5) are followed by hand so each target is checked too,
/// and plain-http requests go to the checked address itself so a second DNS answer cannot
/// swap in a private one. (For https the TLS certificate must match the public name.)
public struct SafeFetcher: Sendable {
    public static let userAgent = "BlumpoBot/1.0 (+https://blumpo.com/bot; brand kit extraction)"
    static let maximumRedirects = 5

    let http: HTTPClient
    let policy: AddressPolicy

    public init(http: HTTPClient, policy: AddressPolicy) {
        self.http = http
        self.policy = policy
    }

    /// The process's client for fetches from websites (never shut down, like `HTTPClient.shared`):
    /// no automatic redirects (each hop is checked here), gzip/deflate decoded by the client,
    /// brotli by the fetcher.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)),
            decompression: .enabled(limit: .ratio(40)))
        configuration.connectionPool.idleTimeout = .seconds(30)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public func fetch(_ text: String, limits: FetchLimits) async throws -> FetchedResource {
        guard let url = URL(string: text) else { throw FetchError.invalidURL(text) }
        return try await fetch(url, limits: limits)
    }

    public func fetch(_ start: URL, limits: FetchLimits) async throws -> FetchedResource {
        var url = start
        for _ in 0...Self.maximumRedirects {
            let response = try await fetchOnce(url, limits: limits)
            switch response {
            case .resource(let resource): return resource
            case .redirect(let location):
                guard let next = URL(string: location, relativeTo: url)?.absoluteURL else { throw FetchError.invalidURL(location) }
                url = next
            }
        }
        throw FetchError.tooManyRedirects(start.absoluteString)
    }

    /// DNS lookups block a thread and cannot be cancelled, so they run on their own small pool
    /// (never starving image work) and the fetch stops waiting for them at its timeout.
    static let resolverPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 8)
        pool.start()
        return pool
    }()

    private func resolve(_ host: String, port: Int, timeout: Duration) async throws -> [String] {
        let policy = self.policy
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        let promise = eventLoop.makePromise(of: [String].self)
        let deadline = eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.inSeconds * 1e9))) {
            promise.fail(FetchError.timedOut("resolving \(host)"))
        }
        Self.resolverPool.runIfActive(eventLoop: eventLoop) { try policy.resolve(host, port: port) }.whenComplete { result in
            // Whichever comes first wins; a promise ignores a second completion.
            deadline.cancel()
            promise.completeWith(result)
        }
        return try await promise.futureResult.get()
    }

    private enum Hop {
        case resource(FetchedResource)
        case redirect(String)
    }

    private func fetchOnce(_ url: URL, limits: FetchLimits) async throws -> Hop {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw FetchError.unsupportedScheme(url.absoluteString)
        }
        guard let host = url.host, !host.isEmpty else { throw FetchError.invalidURL(url.absoluteString) }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let addresses = try await resolve(host, port: port, timeout: limits.timeout)
        var request: HTTPClientRequest
        if scheme == "http", let address = addresses.first {
            var components = URLComponents(url: url, resolvingAgainstBaseURL: true)!
            components.host = address.contains(":") ? "[\(address)]" : address
            request = HTTPClientRequest(url: components.url?.absoluteString ?? url.absoluteString)
            request.headers.add(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
        } else {
            request = HTTPClientRequest(url: url.absoluteString)
        }
        request.headers.add(name: "User-Agent", value: Self.userAgent)
        request.headers.add(name: "Accept", value: limits.acceptedTypes.isEmpty ? "*/*" : limits.acceptedTypes.map { $0.hasSuffix("/") ? $0 + "*" : $0 }.joined(separator: ", ") + ";q=1, */*;q=0.1")
        request.headers.add(name: "Accept-Language", value: "en;q=0.8, *;q=0.5")
        // The client decodes gzip and deflate; brotli is decoded below.
        request.headers.add(name: "Accept-Encoding", value: "br, gzip, deflate")
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .init(limits.timeout))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw FetchError.timedOut(url.absoluteString)
        } catch {
            throw FetchError.transport("could not fetch \(url.absoluteString): \(error)")
        }
        if (300..<400).contains(Int(response.status.code)), let location = response.headers.first(name: "Location") {
            return .redirect(location)
        }
        guard (200..<300).contains(Int(response.status.code)) else { throw FetchError.httpStatus(Int(response.status.code), url: url.absoluteString) }
        let contentType = response.headers.first(name: "Content-Type") ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if !limits.acceptedTypes.isEmpty, !mediaType.isEmpty, !limits.acceptedTypes.contains(where: { mediaType.hasPrefix($0) }) {
            throw FetchError.unexpectedContentType(mediaType, url: url.absoluteString)
        }
        if let declared = response.headers.first(name: "Content-Length").flatMap(Int.init), declared > limits.maximumBytes, !limits.truncateOversized {
            throw FetchError.tooLarge(url: url.absoluteString, limit: limits.maximumBytes)
        }
        var body = ByteBuffer()
        var truncated = false
        do {
            for try await chunk in response.body {
                if body.readableBytes + chunk.readableBytes > limits.maximumBytes {
                    guard limits.truncateOversized else { throw FetchError.tooLarge(url: url.absoluteString, limit: limits.maximumBytes) }
                    var rest = chunk
                    if let slice = rest.readSlice(length: limits.maximumBytes - body.readableBytes) { body.writeImmutableBuffer(slice) }
                    truncated = true
                    break
                }
                body.writeImmutableBuffer(chunk)
            }
        } catch let error as FetchError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw FetchError.timedOut(url.absoluteString)
        } catch {
            throw FetchError.transport("could not read \(url.absoluteString): \(error)")
        }
        var data = Data(buffer: body)
        if response.headers.first(name: "Content-Encoding")?.lowercased() == "br" {
            do {
                let decoded = try Brotli.decompress(data, limit: limits.maximumBytes)
                if decoded.truncated && !limits.truncateOversized { throw FetchError.tooLarge(url: url.absoluteString, limit: limits.maximumBytes) }
                data = decoded.data
                truncated = truncated || decoded.truncated
            } catch let error as Brotli.DecodeError {
                throw FetchError.transport("could not decode \(url.absoluteString): \(error)")
            }
        }
        let charset = contentType.split(separator: ";").dropFirst()
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.lowercased().hasPrefix("charset=") }
            .map { String($0.dropFirst("charset=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")) }
        return .resource(
            FetchedResource(url: url, status: Int(response.status.code), mediaType: mediaType, charset: charset, body: data, truncated: truncated))
    }
}
