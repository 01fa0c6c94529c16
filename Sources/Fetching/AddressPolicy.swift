import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The SSRF rules for server-side fetches: a host is reachable only when every address it
/// resolves to is a public unicast address (see `AddressPolicy+Ranges.swift`).
public struct AddressPolicy: Sendable {
    /// Where host names are looked up.
    public enum Network: Sendable, Equatable {
        /// DNS through getaddrinfo.
        case internet
        /// Tests: no DNS at all. `localhost` and the names in `hosts` resolve to loopback
        /// addresses, every other name resolves to nothing and no address outside loopback is
        /// reachable, so a test's outcome never depends on whether the machine is online.
        case loopbackOnly(hosts: [String: String] = [:])
    }

    /// `BLUMPO_FETCH_ALLOW_PRIVATE=1`: tests and local demos fetch from loopback sites.
    public let allowPrivate: Bool
    /// `address:port` pairs treated as public (tests stand a loopback server in for a public site).
    let exemptEndpoints: Set<String>
    /// `BLUMPO_FETCH_LOOPBACK_ONLY=1` selects `.loopbackOnly` (the test harness sets it).
    public let network: Network

    public init(allowPrivate: Bool, exemptEndpoints: Set<String> = [], network: Network = .internet) {
        self.allowPrivate = allowPrivate
        self.exemptEndpoints = exemptEndpoints
        self.network = network
    }

    /// The host's addresses, checked; throws `FetchError.forbiddenAddress` when any is refused.
    func resolve(_ host: String, port: Int) throws -> [String] {
        let addresses = try addresses(of: host, port: port)
        guard !addresses.isEmpty else { throw FetchError.unresolvable(host) }
        if !allowPrivate, let refused = addresses.first(where: { !Self.isPublic($0) && !exemptEndpoints.contains("\($0):\(port)") }) {
            throw FetchError.forbiddenAddress(host: host, address: refused)
        }
        if network != .internet, !addresses.allSatisfy(Self.isLoopback) { throw FetchError.unresolvable(host) }
        return addresses
    }

    private func addresses(of host: String, port: Int) throws -> [String] {
        guard case .loopbackOnly(let hosts) = network else { return try Self.lookUp(host, port: port) }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if Self.ipv4(bare) != nil || Self.ipv6(bare) != nil { return [bare] }
        if bare.lowercased() == "localhost" { return ["127.0.0.1"] }
        return hosts[bare.lowercased()].map { [$0] } ?? []
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

    static func isLoopback(_ address: String) -> Bool {
        if let v4 = ipv4(address) { return v4[0] == 127 }
        guard let v6 = ipv6(address) else { return false }
        if v6[0..<10].allSatisfy({ $0 == 0 }) && v6[10] == 0xff && v6[11] == 0xff { return v6[12] == 127 }  // ::ffff:127.x
        return v6[0..<15].allSatisfy { $0 == 0 } && v6[15] == 1
    }
}
