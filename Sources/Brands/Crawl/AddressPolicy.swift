import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The SSRF rules for server-side fetches: a host is reachable only when every address it
/// resolves to is a public unicast address (see `AddressPolicy+Ranges.swift`).
public struct AddressPolicy: Sendable {
    /// `BLUMPO_FETCH_ALLOW_PRIVATE=1`: tests and local demos fetch from loopback sites.
    public let allowPrivate: Bool
    /// `address:port` pairs treated as public (tests stand a loopback server in for a public site).
    let exemptEndpoints: Set<String>

    public init(allowPrivate: Bool, exemptEndpoints: Set<String> = []) {
        self.allowPrivate = allowPrivate
        self.exemptEndpoints = exemptEndpoints
    }

    /// The host's addresses, checked; throws `FetchError.forbiddenAddress` when any is refused.
    func resolve(_ host: String, port: Int) throws -> [String] {
        let addresses = try Self.lookUp(host, port: port)
        guard !addresses.isEmpty else { throw FetchError.unresolvable(host) }
        if !allowPrivate, let refused = addresses.first(where: { !Self.isPublic($0) && !exemptEndpoints.contains("\($0):\(port)") }) {
            throw FetchError.forbiddenAddress(host: host, address: refused)
        }
        return addresses
    }

    /// getaddrinfo, numeric results as text (IPv4 dotted, IPv6 colon form).
    static func lookUp(_ host: String, port: Int) throws -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard getaddrinfo(bare, String(port), &hints, &result) == 0, let first = result else { throw FetchError.unresolvable(host) }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(text) { addresses.append(text) }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    static func ipv4(_ address: String) -> [UInt8]? {
        var v4 = in_addr()
        guard inet_pton(AF_INET, address, &v4) == 1 else { return nil }
        return withUnsafeBytes(of: v4) { Array($0) }
    }

    /// The 16 bytes of an IPv6 address (a `%zone` suffix ignored).
    static func ipv6(_ address: String) -> [UInt8]? {
        var v6 = in6_addr()
        let bare = address.split(separator: "%").first.map(String.init) ?? address
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return nil }
        return withUnsafeBytes(of: v6) { Array($0) }
    }
}
