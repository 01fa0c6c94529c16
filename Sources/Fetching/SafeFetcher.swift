public import AsyncHTTPClient
import Core
public import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
public import NIOSSL

/// Fetches user-supplied URLs under the SSRF rules: every hop's host is resolved and checked
/// before connecting, redirects (at most 5) are followed by hand so each target is checked too,
/// and every request connects to the address that was checked, so a second DNS answer (DNS
/// rebinding) can never swap in a private one. Plain http puts that address in the URL; https
/// pins it while SNI and certificate verification stay on the host name.
public struct SafeFetcher: Sendable {
    public static let userAgent = "BlumpoBot/1.0 (+https://blumpo.com/bot; brand kit extraction)"
    static let maximumRedirects = 5

    let http: HTTPClient
    let policy: AddressPolicy
    /// TLS for https hops; nil trusts the system's roots (tests pass a certificate authority of their own).
    let tls: TLSConfiguration?

    public init(http: HTTPClient, policy: AddressPolicy, tls: TLSConfiguration? = nil) {
        self.http = http
        self.policy = policy
        self.tls = tls
    }

    /// The process's client for fetches from websites (never shut down, like `HTTPClient.shared`).
    public static let sharedHTTPClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration())

    /// No automatic redirects (each hop is checked here), gzip/deflate decoded by the client,
    /// brotli by the fetcher; `pinned` maps a host name to the address to connect to instead.
    static func clientConfiguration(tls: TLSConfiguration? = nil, pinned: [String: String] = [:]) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)),
            decompression: .enabled(limit: .ratio(40)))
        configuration.connectionPool.idleTimeout = .seconds(30)
        if let tls { configuration.tlsConfiguration = tls }
        configuration.dnsOverride = pinned
        return configuration
    }

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
        guard let address = try await resolve(host, port: port, timeout: limits.timeout).first else { throw FetchError.unresolvable(host) }
        if scheme == "https" {
            // AsyncHTTPClient pins an address only client-wide (`dnsOverride`, which keeps SNI and
            // certificate verification on the host name), so each https hop has a client of its
            // own, shut down once the body is read: no connection reuse across hops.
            let configuration = Self.clientConfiguration(tls: tls, pinned: [host: address])
            return try await HTTPClient.withHTTPClient(eventLoopGroup: http.eventLoopGroup, configuration: configuration) { client in
                try await exchange(request(url.absoluteString, limits: limits), for: url, on: client, limits: limits)
            }
        }
        var components = URLComponents(url: url, resolvingAgainstBaseURL: true)!
        components.host = address.contains(":") ? "[\(address)]" : address
        var pinned = request(components.url?.absoluteString ?? url.absoluteString, limits: limits)
        pinned.headers.add(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
        return try await exchange(pinned, for: url, on: http, limits: limits)
    }

    private func request(_ target: String, limits: FetchLimits) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: target)
        request.headers.add(name: "User-Agent", value: Self.userAgent)
        request.headers.add(name: "Accept", value: limits.acceptedTypes.isEmpty ? "*/*" : limits.acceptedTypes.map { $0.hasSuffix("/") ? $0 + "*" : $0 }.joined(separator: ", ") + ";q=1, */*;q=0.1")
        request.headers.add(name: "Accept-Language", value: "en;q=0.8, *;q=0.5")
        // The client decodes gzip and deflate; brotli is decoded in `read`.
        request.headers.add(name: "Accept-Encoding", value: "br, gzip, deflate")
        return request
    }

    /// Sends one request and reads its answer for `url` (the URL as the site named it).
    private func exchange(_ request: HTTPClientRequest, for url: URL, on client: HTTPClient, limits: FetchLimits) async throws -> Hop {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .init(limits.timeout))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw FetchError.timedOut(url.absoluteString)
        } catch {
            throw FetchError.transport("could not fetch \(url.absoluteString): \(error)")
        }
        if (300..<400).contains(Int(response.status.code)), let location = response.headers.first(name: "Location") {
            return .redirect(location)
        }
        return .resource(try await read(response, from: url, limits: limits))
    }
}
